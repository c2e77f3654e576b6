#!/usr/bin/env python3
"""Synthesise the shipped sample calls (samples/*) and their ground truth (samples/truth.json).

Every utterance chunk is spoken by espeak-ng into its own file, converted to the call's rate with
sox, trimmed to its first and last audible sample, and laid on the call's timeline with silences
of known length, so the start and end of every chunk is known to the sample. A sensitive value is
always a chunk of its own (the "my card number is" before it is another chunk), so its span in
truth.json covers exactly the audio that speaks it.

Stereo calls: the agent on the left (channel 0), the customer on the right (channel 1), the other
side silent (a faint noise floor) during each turn. Mono calls: both voices on one channel.

Deterministic: no randomness except random.Random seeded from each call's name; sox runs with -R
(repeatable) and -D (no dither). Running it twice gives byte-identical files.

Python 3 standard library only; needs espeak-ng and sox (with the MP3 and Vorbis handlers) on PATH.
Usage: make_samples.py [--out samples] [--only STEM ...] [--keep-tmp DIR]
"""
import argparse
import array
import hashlib
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import wave

AGENT, CUSTOMER = "A", "C"
KINDS = {"PAN", "CVV", "EXPIRY", "SORT_CODE", "ACCOUNT", "NINO", "PHONE", "EMAIL", "POSTCODE",
         "DOB", "NAME", "ADDRESS", "DECOY"}
DIGIT_KINDS = {"PAN", "CVV", "EXPIRY", "SORT_CODE", "ACCOUNT", "PHONE", "DOB"}
TRIM_THRESHOLD = 100      # |sample| below this (about -50 dBFS) counts as silence when trimming
EDGE_S = 0.010            # kept either side of the first/last audible sample of a chunk


def luhn_ok(number):
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


# --------------------------------------------------------------------------------------------
# The calls. Each turn is (speaker, [items]); an item is
#   "text"                      a non-sensitive chunk (a "speech" span in truth.json)
#   (KIND, value, "text")       a sensitive or decoy chunk, spoken as one piece
#   (KIND, value, ["a", "b"])   the same, spoken in groups with pauses between them (one span)
#   0.4                         an explicit pause (seconds) inside the turn
# Voices are (espeak-ng voice, words per minute, pitch 0-99, peak level dBFS).
# All values are fake: card numbers are well-known test numbers or Luhn-valid made-up ones, phone
# numbers are from Ofcom's drama ranges, NINOs use the never-issued QQ prefix, emails use
# example.* domains, names and addresses are invented.
# --------------------------------------------------------------------------------------------

CALLS = [
    {
        "stem": "energy_bill_payment",
        "format": "wav16", "rate": 8000, "stereo": True, "noise_dbfs": -64,
        "agent": ("en+f3", 165, 55, -3), "customer": ("en-gb-scotland", 145, 40, -6),
        "about": "bill payment: name, postcode, card read digit by digit and read back, expiry, CVV",
        "turns": [
            (AGENT, ["Good morning, Northgate Energy, Laura speaking. How can I help?"]),
            (CUSTOMER, ["Hiya, I'd like to pay my gas bill."]),
            (AGENT, ["No problem. Can I take your name?"]),
            (CUSTOMER, ["Yes, it's", ("NAME", "margaret okafor", "Margaret Okafor.")]),
            (AGENT, ["Thanks Margaret. And the postcode?"]),
            (CUSTOMER, [("POSTCODE", "sw1a 1aa", "S W one A, one A A.")]),
            (AGENT, ["Lovely. The balance is", ("DECOY", "11240", "one hundred and twelve pounds forty."),
                     "When you're ready, the long number on the front of your card."]),
            (CUSTOMER, [("PAN", "4539148803436467",
                         "four five three nine one four eight eight oh three four three six four six seven.")]),
            (AGENT, ["So that's",
                     ("PAN", "4539148803436467",
                      ["four five three nine,", "one four eight eight,", "oh three four three,", "six four six seven."]),
                     "Is that right?"]),
            (CUSTOMER, ["Yes."]),
            (AGENT, ["And the expiry date?"]),
            (CUSTOMER, [("EXPIRY", "0427", "Oh four, twenty seven.")]),
            (AGENT, ["And the three digits on the back."]),
            (CUSTOMER, [("CVV", "731", "seven three one.")]),
            (AGENT, ["That's gone through. Your reference is",
                     ("DECOY", "cr58213", "C R five eight two one three."), "Anything else?"]),
            (CUSTOMER, ["No, bye now."]),
        ],
    },
    {
        "stem": "bank_details_update",
        "format": "wav16", "rate": 8000, "stereo": True, "noise_dbfs": -62,
        "agent": ("en-us+m3", 165, 45, -4), "customer": ("en+f2", 160, 60, -7),
        "about": "bank: queue position, name, date of birth, sort code in pairs, account number",
        "turns": [
            (AGENT, ["Thanks for holding. You were", ("DECOY", "4", "number four in the queue,"),
                     "sorry for the wait. Marcus at Harbour Bank."]),
            (CUSTOMER, ["Hi. I need to change the account my salary goes into."]),
            (AGENT, ["Sure. First, can I take your full name?"]),
            (CUSTOMER, ["My name is", ("NAME", "david mcallister", "David McAllister.")]),
            (AGENT, ["Thanks David. And your date of birth, please?"]),
            (CUSTOMER, [("DOB", "14031982", "The fourteenth of March, nineteen eighty two.")]),
            (AGENT, ["You're verified. The sort code of the new account?"]),
            (CUSTOMER, ["It's", ("SORT_CODE", "401276", "forty, twelve, seventy six.")]),
            (AGENT, ["And the account number?"]),
            (CUSTOMER, [("ACCOUNT", "31926604", "three one nine two, six six oh four.")]),
            (AGENT, ["That's updated. It takes", ("DECOY", "10", "about ten minutes"),
                     "to show in the app."]),
            (CUSTOMER, ["Great. When is the branch open?"]),
            (AGENT, [("DECOY", "nine till half five", "Nine till half five,"), "Monday to Saturday."]),
            (CUSTOMER, ["Thanks, bye."]),
        ],
    },
    {
        "stem": "card_split_across_turns",
        "format": "wav16", "rate": 8000, "stereo": True, "noise_dbfs": -66,
        "agent": ("en-gb-x-rp+f4", 165, 60, -3), "customer": ("en+m3", 155, 45, -5),
        "about": "order payment: card split over two turns with double/triple, expiry, CVV, email",
        "turns": [
            (AGENT, ["Hello, Brightside Books customer service, Emma speaking."]),
            (CUSTOMER, ["Hi, I'd like to order the garden planner."]),
            (AGENT, ["Of course, that's", ("DECOY", "2999", "twenty nine pounds ninety nine,"),
                     "including delivery. How would you like to pay?"]),
            (CUSTOMER, ["By card."]),
            (AGENT, ["What's the card number?"]),
            (CUSTOMER, ["Okay, it's", ("PAN", "51777200", "five one, triple seven, two double oh.")]),
            (AGENT, ["Yes, go on."]),
            (CUSTOMER, [("PAN", "44553815", "double four, double five, three eight one five.")]),
            (AGENT, ["Thank you. And the expiry?"]),
            (CUSTOMER, [("EXPIRY", "1226", "twelve slash twenty six.")]),
            (AGENT, ["And the security code, the last three digits on the signature strip?"]),
            (CUSTOMER, [("CVV", "059", "oh five nine.")]),
            (AGENT, ["Where should I send the receipt?"]),
            (CUSTOMER, ["My email is", ("EMAIL", "jane.doe@example.co.uk",
                                        "jane dot doe at example dot co dot uk.")]),
            (AGENT, ["Done. Anything else?"]),
            (CUSTOMER, ["No, thanks."]),
        ],
    },
    {
        "stem": "motor_claim_mulaw",
        "format": "ulaw", "rate": 8000, "stereo": True, "noise_dbfs": -60,
        "agent": ("en+m7", 155, 45, -4), "customer": ("en-gb-x-gbclan+f1", 145, 65, -8),
        "about": "insurance claim: NINO, date of birth, mobile, address, postcode, year decoy",
        "turns": [
            (AGENT, ["Claims line, this is Peter. Is this a new claim?"]),
            (CUSTOMER, ["Yes, someone hit my car."]),
            (AGENT, ["Sorry to hear that. Can I have your national insurance number?"]),
            (CUSTOMER, ["Yes, it's", ("NINO", "qq123456c", "Q Q, one two three four five six, C.")]),
            (AGENT, ["Thank you. And your date of birth?"]),
            (CUSTOMER, [("DOB", "04071991", "Fourth of July, ninety one.")]),
            (AGENT, ["And your address?"]),
            (CUSTOMER, [("ADDRESS", "14 acacia avenue", "fourteen Acacia Avenue,"),
                        ("POSTCODE", "ls2 7ub", "L S two, seven U B.")]),
            (AGENT, ["Thanks. What year is the car?"]),
            (CUSTOMER, ["It's a", ("DECOY", "2019", "twenty nineteen"), "Ford Focus."]),
            (AGENT, ["And the best number to call you back on?"]),
            (CUSTOMER, ["My mobile,", ("PHONE", "07700900123",
                                       "oh seven seven double oh, nine hundred, one two three.")]),
            (AGENT, ["An assessor will ring you within", ("DECOY", "48", "forty eight hours.")]),
            (CUSTOMER, ["Thank you."]),
        ],
    },
    {
        "stem": "volunteered_amex_alaw",
        "format": "alaw", "rate": 8000, "stereo": False, "noise_dbfs": -62,
        "agent": ("en+f5", 160, 55, -4), "customer": ("en-029+m4", 140, 40, -5),
        "about": "customer volunteers an Amex number unprompted, then expiry and 4-digit code",
        "turns": [
            (AGENT, ["Good afternoon, Coastline Holidays, how can I help?"]),
            (CUSTOMER, ["Hi, I want to pay the rest of my balance for the cottage.",
                        "The card is",
                        ("PAN", "378282246310005",
                         ["three seven eight two,", "eight two two four six three,", "one triple oh five."])]),
            (AGENT, ["Oh, okay, thank you. The balance is",
                     ("DECOY", "240", "two hundred and forty pounds."),
                     "What's the expiry date on that card?"]),
            (CUSTOMER, [("EXPIRY", "0428", "April twenty twenty eight.")]),
            (AGENT, ["And as it's an American Express, the four digit code on the front."]),
            (CUSTOMER, [("CVV", "5082", "five oh eight two.")]),
            (AGENT, ["That's all paid. You can cancel for free up to",
                     ("DECOY", "90", "ninety days"), "before you travel."]),
            (CUSTOMER, ["Brilliant. Thanks for your help."]),
            (AGENT, ["Enjoy your holiday."]),
        ],
    },
    {
        "stem": "delivery_change_16k",
        "format": "wav16", "rate": 16000, "stereo": False, "noise_dbfs": None,
        "agent": ("en-us+f3", 170, 60, -3), "customer": ("en-gb-x-rp", 150, 45, -5),
        "about": "retail delivery: order number decoy, name, address, postcode, landline, email",
        "turns": [
            (AGENT, ["Hi, Parcelwise, Jenny speaking. What can I do for you?"]),
            (CUSTOMER, ["I'd like to change the delivery address for an order."]),
            (AGENT, ["Sure. Can I take your name?"]),
            (CUSTOMER, [("NAME", "priya raman", "Priya Raman.")]),
            (AGENT, ["Thanks Priya. I can see your order number is",
                     ("DECOY", "814227390", "eight one four, two two seven, three nine oh."),
                     "What's the new address?"]),
            (CUSTOMER, [("ADDRESS", "27 mill lane", "twenty seven Mill Lane,"), "Manchester,",
                        ("POSTCODE", "m14 5tq", "M fourteen, five T Q.")]),
            (AGENT, ["Got it. And a contact number for the driver?"]),
            (CUSTOMER, ["The landline is", ("PHONE", "01614960372",
                                            "oh one six one, four nine six, oh three seven two.")]),
            (AGENT, ["And can I confirm your email?"]),
            (CUSTOMER, ["It's", ("EMAIL", "priya.raman71@example.com",
                                 "priya dot raman seventy one at example dot com.")]),
            (AGENT, ["All changed. Drivers deliver", ("DECOY", "eight till eight", "eight till eight,"),
                     "seven days a week."]),
            (CUSTOMER, ["Thanks, bye."]),
        ],
    },
    {
        "stem": "direct_debit_setup",
        "format": "flac", "rate": 8000, "stereo": True, "noise_dbfs": -63,
        "agent": ("en+f4", 155, 55, -4), "customer": ("en-us+m1", 160, 40, -6),
        "about": "gym membership: name, sort code digit by digit, account read back, price and year decoys",
        "turns": [
            (AGENT, ["Hello, Fitzone memberships, Kirsty speaking."]),
            (CUSTOMER, ["Hi there, I want to switch my membership to a direct debit."]),
            (AGENT, ["No bother. Who am I speaking to?"]),
            (CUSTOMER, ["My name is", ("NAME", "tom whitfield", "Tom Whitfield."),
                        "I've been a member since", ("DECOY", "2004", "two thousand and four.")]),
            (AGENT, ["Good to hear. The monthly fee is",
                     ("DECOY", "4250", "forty two pounds fifty."), "What's your sort code?"]),
            (CUSTOMER, [("SORT_CODE", "201945", "two oh one nine four five.")]),
            (AGENT, ["And the eight digit account number?"]),
            (CUSTOMER, [("ACCOUNT", "77401283", "double seven four oh, one two eight three.")]),
            (AGENT, ["So that's", ("ACCOUNT", "77401283", "seven seven four oh one two eight three."),
                     "Correct?"]),
            (CUSTOMER, ["Yes, that's right."]),
            (AGENT, ["Lovely, the first payment comes out on the first of next month. Anything else?"]),
            (CUSTOMER, ["No, cheers."]),
        ],
    },
    {
        "stem": "subscription_renewal",
        "format": "mp3", "rate": 24000, "stereo": False, "noise_dbfs": -65,
        "agent": ("en+f1", 150, 50, -3), "customer": ("en-gb-x-gbcwmd+m2", 155, 45, -5),
        "about": "magazine renewal: card in groups of four with pauses, expiry with slash, CVV",
        "turns": [
            (AGENT, ["Good morning, Readers Circle subscriptions, how can I help?"]),
            (CUSTOMER, ["Morning. My subscription runs out next week and I want to renew it."]),
            (AGENT, ["Happy to help. It's", ("DECOY", "999", "nine pounds ninety nine"),
                     "a month. Can I take the card number?"]),
            (CUSTOMER, ["Right, here we go.",
                        ("PAN", "4916030720815507",
                         ["four nine one six,", "oh three oh seven,", "two oh eight one,", "five five oh seven."])]),
            (AGENT, ["Thanks. And the expiry?"]),
            (CUSTOMER, [("EXPIRY", "0929", "oh nine slash twenty nine.")]),
            (AGENT, ["And the three digit code on the back?"]),
            (CUSTOMER, [("CVV", "417", "four one seven.")]),
            (AGENT, ["That's all renewed until", ("DECOY", "2027", "twenty twenty seven."),
                     "Anything else I can do?"]),
            (CUSTOMER, ["No, thank you."]),
        ],
    },
    {
        "stem": "fraud_check_callback",
        "format": "wav16", "rate": 8000, "stereo": True, "noise_dbfs": -64,
        "agent": ("en-us", 165, 50, -4), "customer": ("en+f4", 155, 60, -6),
        "about": "fraud team: NINO in pairs, date of birth, landline, email, card with double",
        "turns": [
            (AGENT, ["Harbour Bank fraud team. We've spotted an unusual payment on your card."]),
            (CUSTOMER, ["Oh no. What do you need from me?"]),
            (AGENT, ["First, your national insurance number please."]),
            (CUSTOMER, [("NINO", "qq418829b", "Q Q, forty one, eighty eight, twenty nine, B.")]),
            (AGENT, ["And your date of birth?"]),
            (CUSTOMER, [("DOB", "23091975", "twenty third of September, nineteen seventy five.")]),
            (AGENT, ["Which card is it? Read me the number."]),
            (CUSTOMER, [("PAN", "4024007103939509",
                         ["four oh two four,", "double oh seven one,", "oh three nine three,", "nine five oh nine."])]),
            (AGENT, ["I'll send a new card. A number to reach you on?"]),
            (CUSTOMER, ["Home is", ("PHONE", "02079460812", "oh two oh, seven nine four six, oh eight one two.")]),
            (AGENT, ["And an email?"]),
            (CUSTOMER, [("EMAIL", "k.osei@example.net", "k dot osei at example dot net.")]),
            (AGENT, ["Done. The new card takes", ("DECOY", "35", "three to five working days.")]),
        ],
    },
    {
        "stem": "opening_hours_enquiry",
        "format": "ogg", "rate": 8000, "stereo": False, "noise_dbfs": -63,
        "agent": ("en-gb-x-rp+m7", 160, 45, -4), "customer": ("en-us+f2", 165, 65, -5),
        "about": "mostly decoys: queue, opening times, price, duration; one name and postcode",
        "turns": [
            (AGENT, ["Riverside Vets, sorry to keep you. You were",
                     ("DECOY", "3", "third in the queue."), "How can I help?"]),
            (CUSTOMER, ["Hi, are you open on Saturday? My dog needs his jabs."]),
            (AGENT, ["Yes, Saturdays we're open", ("DECOY", "nine till one", "nine till one."),
                     "The booster is", ("DECOY", "5450", "fifty four pounds fifty,"),
                     "and the appointment takes", ("DECOY", "15", "about fifteen minutes.")]),
            (CUSTOMER, ["Great, can I book for ten o'clock?"]),
            (AGENT, ["Of course. What's the owner's name?"]),
            (CUSTOMER, [("NAME", "alan brooks", "Alan Brooks.")]),
            (AGENT, ["And your postcode?"]),
            (CUSTOMER, [("POSTCODE", "eh3 9wj", "E H three, nine W J.")]),
            (AGENT, ["Booked, see you Saturday."]),
        ],
    },
]

# --------------------------------------------------------------------------------------------

WORD_DIGITS = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
               "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
TEENS = {"ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
         "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19"}
TENS = {"twenty": "2", "thirty": "3", "forty": "4", "fifty": "5", "sixty": "6", "seventy": "7",
        "eighty": "8", "ninety": "9"}


def spoken_to_compact(text):
    """Digits and single letters of a spoken value, e.g. 'Q Q, forty one, double oh' -> 'qq4100'.
    Used to check that each spoken digit/letter value says what truth.json claims."""
    toks = re.findall(r"[A-Za-z]+", text)
    out, i = [], 0
    while i < len(toks):
        t, low = toks[i], toks[i].lower()
        nxt = toks[i + 1].lower() if i + 1 < len(toks) else ""
        if low in ("double", "triple") and nxt in WORD_DIGITS:
            out.append(WORD_DIGITS[nxt] * (2 if low == "double" else 3)); i += 2; continue
        if low in WORD_DIGITS and t != "O":
            if nxt == "hundred":
                out.append(WORD_DIGITS[low] + "00"); i += 2; continue
            out.append(WORD_DIGITS[low]); i += 1; continue
        if low in TEENS:
            out.append(TEENS[low]); i += 1; continue
        if low in TENS:
            if nxt in WORD_DIGITS and nxt not in ("oh", "o", "zero"):
                out.append(TENS[low] + WORD_DIGITS[nxt]); i += 2; continue
            out.append(TENS[low] + "0"); i += 1; continue
        if len(t) == 1 and t.isupper():
            out.append(low); i += 1; continue
        if low in ("slash", "and", "it", "s"):
            i += 1; continue
        return None  # words that are not a plain digit/letter reading: not checked
    return "".join(out)


def check_values():
    """Luhn for whole card numbers, and spoken text vs value for every digit/letter reading."""
    problems = []
    for call in CALLS:
        for _, items in call["turns"]:
            for it in items:
                if not isinstance(it, tuple):
                    continue
                kind, value, text = it
                assert kind in KINDS, kind
                text = " ".join(text) if isinstance(text, list) else text
                if kind in DIGIT_KINDS and not value.isdigit():
                    problems.append(f"{call['stem']}: {kind} value {value!r} is not digits")
                if kind == "PAN" and len(value) >= 15 and not luhn_ok(value):
                    problems.append(f"{call['stem']}: PAN {value} fails Luhn")
                if kind in ("PAN", "CVV", "SORT_CODE", "ACCOUNT", "PHONE", "NINO", "POSTCODE"):
                    said = spoken_to_compact(text)
                    if said != value.replace(" ", ""):
                        problems.append(f"{call['stem']}: {kind} says {said!r}, truth {value!r}")
    # The split card in card_split_across_turns: both halves together are one Luhn-valid number.
    if not luhn_ok("51777200" + "44553815"):
        problems.append("split card 5177720044553815 fails Luhn")
    return problems


# --------------------------------------------------------------------------------------------

def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, **kw)
    if r.returncode:
        sys.exit(f"make_samples: {' '.join(cmd)} failed: {r.stderr.decode(errors='replace')[:400]}")
    return r.stdout


def read_pcm16(path):
    with wave.open(path, "rb") as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1, path
        a = array.array("h")
        a.frombytes(w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        a.byteswap()
    return a


def write_wav(path, channels, rate):
    """channels: list of array('h') of equal length -> PCM16 WAV."""
    n = len(channels[0])
    inter = array.array("h", bytes(2 * n * len(channels)))
    for c, data in enumerate(channels):
        inter[c::len(channels)] = data
    if sys.byteorder == "big":
        inter.byteswap()
    with wave.open(path, "wb") as w:
        w.setnchannels(len(channels)); w.setsampwidth(2); w.setframerate(rate)
        w.writeframes(inter.tobytes())


def synth_chunk(tmp, key, text, voice, rate, narrowband):
    """espeak-ng -> sox (rate, band, level) -> trimmed array('h') at the call's rate."""
    name, wpm, pitch, level = voice
    raw = os.path.join(tmp, f"{key}_es.wav")
    conv = os.path.join(tmp, f"{key}.wav")
    run(["espeak-ng", "-v", name, "-s", str(wpm), "-p", str(pitch), "-w", raw, text])
    band = ["sinc", "250-3400"] if narrowband else ["highpass", "80"]
    run(["sox", "-R", "-D", "-V1", raw, "-r", str(rate), "-b", "16", "-e", "signed-integer", conv,
         "gain", "-3", *band, "rate", "-h", str(rate), "gain", "-n", str(level)])  # -3 first: no clipping in the filters
    a = read_pcm16(conv)
    loud = [i for i, v in enumerate(a) if abs(v) >= TRIM_THRESHOLD]
    if not loud:
        sys.exit(f"make_samples: chunk {text!r} synthesised to silence")
    edge = int(EDGE_S * rate)
    return a[max(0, loud[0] - edge): loud[-1] + 1 + edge]


def build_call(call, tmp):
    rate, stereo = call["rate"], call["stereo"]
    seed = int.from_bytes(hashlib.sha256(call["stem"].encode()).digest()[:8], "big")
    rng = random.Random(seed)
    narrowband = rate == 8000
    pieces = []            # (channel or None, start_sample, samples, kind, value)
    t = int(round(rng.uniform(0.5, 0.9) * rate))
    n_chunk = 0
    for ti, (who, items) in enumerate(call["turns"]):
        if ti:
            t += int(round(rng.uniform(0.3, 0.9) * rate))  # gap between turns, no overlap
        voice = call["agent"] if who == AGENT else call["customer"]
        ch = (0 if who == AGENT else 1) if stereo else None
        first = True
        for it in items:
            if isinstance(it, float):
                t += int(round(it * rate)); continue
            if not first:
                t += int(round(rng.uniform(0.12, 0.30) * rate))  # pause between chunks of a turn
            first = False
            kind, value, text = (None, None, it) if isinstance(it, str) else it
            parts = text if isinstance(text, list) else [text]
            start = t
            for pi, part in enumerate(parts):
                if pi:
                    t += int(round(rng.uniform(0.35, 0.6) * rate))  # pause between digit groups
                n_chunk += 1
                a = synth_chunk(tmp, f"{call['stem']}_{n_chunk:03d}", part, voice, rate, narrowband)
                pieces.append((ch, t, a, None, None))
                t += len(a)
            pieces.append((ch, start, t, kind, value))  # the span marker (end as an int)
    total = t + int(round(rng.uniform(0.6, 1.0) * rate))

    nch = 2 if stereo else 1
    chans = [array.array("h", bytes(2 * total)) for _ in range(nch)]
    noise_db = call.get("noise_dbfs")
    if noise_db is not None:  # a faint, fixed-seed noise floor: real lines are never digital zero
        sigma = 32768 * 10 ** (noise_db / 20)
        for c in range(nch):
            nr = random.Random(seed + 1 + c)
            chans[c] = array.array("h", (int(round(nr.gauss(0, sigma))) for _ in range(total)))
    spans, speech = [], []
    for ch, start, a, kind, value in pieces:
        if isinstance(a, int):  # span marker
            rec = {"channel": ch, "start": round(start / rate, 4), "end": round(a / rate, 4)}
            if kind:
                spans.append(dict(rec, kind=kind, value=value))
            else:
                speech.append(rec)
            continue
        dst = chans[ch if ch is not None else 0]
        for i, v in enumerate(a):
            s = dst[start + i] + v
            dst[start + i] = 32767 if s > 32767 else -32768 if s < -32768 else s
    return chans, total, spans, speech


def frame_peak_db(chans, rate, ch, start, end):
    """Loudest 10 ms frame (RMS, dBFS) of a channel between two times: a span must have speech."""
    hop = rate // 100
    a, b = int(start * 100), int(-(-end * 100 // 1))
    best = -200.0
    x = chans[ch if ch is not None else 0]
    for f in range(a, b):
        seg = x[f * hop:(f + 1) * hop]
        if seg:
            ms = sum(v * v for v in seg) / len(seg) / (32768.0 ** 2)
            best = max(best, 10 * math.log10(ms + 1e-12))
    return best


def mp3_delay(master, mp3, rate, hint_start):
    """Samples by which sox's MP3 decoder (libmad, no gapless trim) shifts the audio: found by
    correlating a window around the first chunk's onset."""
    raw = run(["sox", "-V1", mp3, "-t", "raw", "-e", "signed-integer", "-b", "16", "-c", "1", "-"])
    dec = array.array("h"); dec.frombytes(raw)
    src = read_pcm16(master)
    if sys.byteorder == "big":
        dec.byteswap()
    w0, wl = max(0, hint_start - rate // 20), rate // 5
    ref = src[w0:w0 + wl]
    best, best_lag = None, 0
    for lag in range(0, 3000):
        seg = dec[w0 + lag:w0 + lag + wl]
        score = sum(p * q for p, q in zip(ref, seg))
        if best is None or score > best:
            best, best_lag = score, lag
    return best_lag, len(src), len(dec)


def encode(call, master, out_path):
    fmt = call["format"]
    base = ["sox", "-R", "-D", "-V1", master]
    if fmt == "wav16":
        shutil.copyfile(master, out_path)
    elif fmt == "ulaw":
        run(base + ["-e", "u-law", "-b", "8", out_path])
    elif fmt == "alaw":
        run(base + ["-e", "a-law", "-b", "8", out_path])
    elif fmt == "flac":
        run(base + ["-C", "8", out_path])
    elif fmt == "mp3":
        run(base + ["-C", "48", out_path])
    elif fmt == "ogg":
        run(base + ["-C", "3", out_path])
    else:
        raise ValueError(fmt)


FORMAT_NAME = {"wav16": "WAV PCM 16-bit", "ulaw": "WAV G.711 mu-law", "alaw": "WAV G.711 A-law",
               "flac": "FLAC 16-bit", "mp3": "MP3 48 kbit/s (lame)", "ogg": "Ogg Vorbis q3"}
KIND_ORDER = ["PAN", "CVV", "EXPIRY", "SORT_CODE", "ACCOUNT", "NINO", "PHONE", "EMAIL", "POSTCODE",
              "DOB", "NAME", "ADDRESS", "DECOY"]

README_HEAD = """# Sample calls

Synthetic contact-centre calls with spoken card data and UK personal details, and their ground
truth (`truth.json`), for the end-to-end tests, `scripts/demo.sh` and the scorer
(`score_redaction.py`). **Every value in them is fake**: card numbers are public test numbers or
made-up Luhn-valid ones, phone numbers are from Ofcom's drama ranges (07700 900xxx, 020 7946 0xxx,
0161 496 0xxx), national insurance numbers use the never-issued `QQ` prefix, email addresses use
`example.*` domains, and names, addresses and dates of birth are invented.

Generated by `scripts/make-samples.sh` (which installs espeak-ng, sox, libsox-fmt-all and lame if
missing, then runs `scripts/make_samples.py`). Do not edit these files by hand: change the scripts
in `make_samples.py` and run it again. This file is written by the generator too.

| file | format | rate | ch | duration | spans | kinds (count) | what happens |
| --- | --- | --- | --- | --- | --- | --- | --- |
"""

README_TAIL = """
## How they are made

- Each utterance chunk is spoken by **espeak-ng** into its own file (voices vary per call and per
  side: en (British), en-us, en-gb-scotland, en-gb-x-rp, en-gb-x-gbclan, en-gb-x-gbcwmd, en-029,
  with variants such as `+f3`, `+m3`; 140 to 170 words per minute; espeak-ng 1.51 ignores a
  variant after `en-gb`, so the British voice with a variant is written `en+f3`), converted to
  the call's rate with **sox** (8 kHz calls are band-limited to 250-3400 Hz like a phone line), normalised to the
  speaker's level, and trimmed to 10 ms either side of its first and last audible sample.
- The chunks are laid end to end with silences of known length: 0.3-0.9 s between turns (never
  overlapping), 0.12-0.3 s between chunks of one turn, 0.35-0.6 s between digit groups. So the
  start and end of every chunk is known to the sample.
- **Stereo** calls: agent on the left (channel 0), customer on the right (channel 1); the side
  that is not speaking carries only a faint noise floor. **Mono** calls: both voices on one
  channel. All calls but `delivery_change_16k` carry a fixed-seed Gaussian noise floor at -60 to
  -66 dBFS (a real line is never digital zero).
- The finished PCM master is written as the listed format with sox (`-R -D`: repeatable, no
  dither). Same tools, same output, byte for byte.

## truth.json

```
{"<file name>": {"spans":  [{"channel": 0|1|null, "start": s, "end": s, "kind": KIND, "value": ...}],
                 "speech": [{"channel": 0|1|null, "start": s, "end": s}]}}
```

- `spans`: one per sensitive or decoy chunk, covering exactly the audio that speaks the value (the
  "my card number is" before it is a `speech` chunk of its own). A value read in groups with
  pauses ("four five three nine, ... one four eight eight") is one span. A card number split over
  two customer turns, with the agent's "yes, go on" between them, is two PAN spans, each holding
  the digits of its half. `value`: digits for PAN, CVV, EXPIRY (MMYY), SORT_CODE, ACCOUNT, PHONE
  and DOB (DDMMYYYY); lowercase text for NINO, EMAIL, POSTCODE, NAME, ADDRESS; digits or text for
  DECOY (prices, opening times, queue positions, years, durations, references, an order number),
  which must *not* be muted.
- `speech`: every other chunk (greetings, questions, preambles), to measure over-muting.
- `channel`: 0 agent / 1 customer in stereo calls, `null` in mono calls.
- Times are seconds as sox decodes the file. For the MP3, sox (libmad) keeps the encoder and
  decoder delay (1105 samples, 46 ms at 24 kHz; the file has no Xing/LAME gapless header), so
  its times are those of the PCM master plus that delay. The MP3 is 24 kHz rather than 16 kHz
  because the scorer's 10 ms frames need a rate divisible by 100, and its 60 ms length tolerance
  for lossy files must cover the 46 ms delay plus frame padding.

## Known limits

Synthetic speech is harder for Whisper tiny.en than a real caller, above all at 8 kHz: espeak's
"double" is often heard as "number", its "five" as "time", and the Scottish and Caribbean voices
lose words. That is left as it is (the detector must cope with imperfect transcripts), but a
sample whose transcript is hopeless would only measure the synthesiser, so the voices that
Whisper could not follow at all on a call's key values were swapped for others.
"""


def write_readme(out_dir, table, truth):
    from collections import Counter
    lines = [README_HEAD]
    tot_s = tot_b = 0
    all_kinds = Counter()
    for fname, fmt, rate, nch, dur, size, nspans, _, about in table:
        kinds = Counter(s["kind"] for s in truth[fname]["spans"])
        all_kinds.update(kinds)
        ks = ", ".join(f"{k} {kinds[k]}" if kinds[k] > 1 else k for k in KIND_ORDER if kinds[k])
        lines.append(f"| `{fname}` | {FORMAT_NAME[fmt]} | {rate} | {nch} | {dur:.1f} s | {nspans} | "
                     f"{ks} | {about} |\n")
        tot_s += dur; tot_b += size
    n_speech = sum(len(truth[f]["speech"]) for f, *_ in table)
    lines.append(f"\n{len(table)} calls, {tot_s:.1f} s ({tot_s / 60:.1f} min) of audio, "
                 f"{tot_b / 1024 / 1024:.1f} MiB. Spans per kind: "
                 + ", ".join(f"{k} {all_kinds[k]}" for k in KIND_ORDER if all_kinds[k])
                 + f"; {n_speech} speech chunks.\n")
    lines.append(README_TAIL)
    with open(os.path.join(out_dir, "README.md"), "w") as fh:
        fh.write("".join(lines))

EXT = {"wav16": ".wav", "ulaw": ".wav", "alaw": ".wav", "flac": ".flac", "mp3": ".mp3", "ogg": ".ogg"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples")))
    ap.add_argument("--only", nargs="*", help="build only these stems (their entries in truth.json are replaced, the rest kept)")
    ap.add_argument("--keep-tmp", help="keep the per-chunk files in this folder")
    a = ap.parse_args()
    for tool in ("espeak-ng", "sox", "soxi"):
        if not shutil.which(tool):
            sys.exit(f"make_samples: {tool} not found on PATH (scripts/make-samples.sh installs it)")
    problems = check_values()
    if problems:
        sys.exit("make_samples: bad values in the scripts:\n  " + "\n  ".join(problems))
    stems = [c["stem"] for c in CALLS]
    assert len(set(stems)) == len(stems), "file stems must be unique"
    os.makedirs(a.out, exist_ok=True)
    tmp = a.keep_tmp or tempfile.mkdtemp(prefix="make_samples.")
    os.makedirs(tmp, exist_ok=True)
    truth, table = {}, []
    try:
        for call in CALLS:
            if a.only and call["stem"] not in a.only:
                continue
            chans, total, spans, speech = build_call(call, tmp)
            rate = call["rate"]
            for s in spans + speech:
                db = frame_peak_db(chans, rate, s["channel"], s["start"], s["end"])
                if db < -40:
                    sys.exit(f"make_samples: {call['stem']} span {s} is too quiet ({db:.1f} dBFS)")
            master = os.path.join(tmp, call["stem"] + "_master.wav")
            write_wav(master, chans, rate)
            fname = call["stem"] + EXT[call["format"]]
            out_path = os.path.join(a.out, fname)
            encode(call, master, out_path)
            shift = 0.0
            if call["format"] == "mp3":
                first = min(int(s["start"] * rate) for s in speech)
                lag, n_src, n_dec = mp3_delay(master, out_path, rate, first)
                shift = lag / rate
                print(f"  {fname}: sox decodes it {lag} samples ({shift * 1000:.1f} ms) late, "
                      f"{n_dec} samples vs {n_src}: truth times shifted to match", file=sys.stderr)
                for s in spans + speech:
                    s["start"] = round(s["start"] + shift, 4); s["end"] = round(s["end"] + shift, 4)
            spans.sort(key=lambda s: (s["start"], s["channel"] or 0))
            speech.sort(key=lambda s: (s["start"], s["channel"] or 0))
            truth[fname] = {"spans": spans, "speech": speech}
            kinds = sorted({s["kind"] for s in spans})
            table.append((fname, call["format"], rate, 2 if call["stereo"] else 1, total / rate,
                          os.path.getsize(out_path), len(spans), kinds, call["about"]))
            print(f"  {fname}: {total / rate:.1f} s, {len(spans)} spans, {len(speech)} speech chunks",
                  file=sys.stderr)
    finally:
        if not a.keep_tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    truth_path = os.path.join(a.out, "truth.json")
    if a.only and os.path.exists(truth_path):  # a partial rebuild keeps the other calls' truth
        with open(truth_path) as fh:
            truth = dict(json.load(fh), **truth)
    with open(truth_path, "w") as fh:
        json.dump(truth, fh, indent=1, sort_keys=True)
        fh.write("\n")
    if not a.only:  # the table describes the whole set
        write_readme(a.out, table, truth)
    tot = sum(r[4] for r in table)
    print(f"make_samples: {len(table)} calls, {tot:.1f} s of audio, "
          f"{sum(r[5] for r in table) / 1024:.0f} KiB, truth in {truth_path}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
