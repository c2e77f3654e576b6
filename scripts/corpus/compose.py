"""Writes one call's script from its random generator and its part's phrase bank.

A script is a list of turns (speaker, [items]), as in scripts/make_samples.py; an item is
  "text"                      a non-sensitive chunk (a "speech" entry in truth.json)
  (KIND, value, words)        a sensitive or decoy chunk; words is its spoken form, "|" marking
                              pauses between groups (still one span)
  ("CLIP", clip)              a segment of a real recording (speech)
  0.8                         an explicit pause in seconds
"""
import values as V

AGENT, CUSTOMER = "agent", "customer"

# Which values each kind of call asks for, in order (verification first, then the payload).
SCENARIOS = {
    "card_payment": ["PAN", "EXPIRY", "CVV"],
    "card_payment_email": ["EMAIL", "PAN", "EXPIRY", "CVV"],
    "bank_change": ["NAME", "DOB", "SORT_CODE", "ACCOUNT"],
    "id_check": ["DOB", "ADDRESS", "POSTCODE"],
    "contact_update": ["NAME", "PHONE", "EMAIL"],
    "tax_benefit": ["NAME", "NINO", "DOB"],
    "delivery": ["NAME", "ADDRESS", "POSTCODE"],
    "callback": ["NAME", "PHONE"],
    "enquiry": [],
}
REASON = {"card_payment": "pay", "card_payment_email": "pay", "bank_change": "bank",
          "id_check": "id", "contact_update": "contact", "tax_benefit": "tax",
          "delivery": "delivery", "callback": "contact", "enquiry": "enquiry"}
# Share of each kind of call in a part (the schedule repeats this list, shuffled).
SCHEDULE = (["card_payment"] * 5 + ["card_payment_email"] * 2 + ["bank_change"] * 3 +
            ["id_check"] * 2 + ["contact_update"] * 2 + ["tax_benefit"] * 2 + ["delivery"] * 2 +
            ["callback"] + ["enquiry"] * 2)
DIGIT_KINDS = {"PAN", "SORT_CODE", "ACCOUNT", "PHONE"}


# ---- decoys: (value, words) -----------------------------------------------------------------

def decoy_amount(rng):
    form = rng.randrange(4)
    pounds = rng.choice([rng.randint(5, 99), rng.randint(100, 999), rng.choice([100, 200, 250, 500])])
    pence = rng.choice([0, 50, 99, 49, 75, 20])
    if form == 0 or not pence:  # "two hundred pounds"
        return str(pounds), V.number_words(pounds) + ["pounds"]
    if form == 1:  # "twenty nine pounds ninety nine"
        return f"{pounds}{pence:02d}", V.number_words(pounds) + ["pounds"] + V.number_words(pence)
    if form == 2 and pounds < 100:  # "forty five ninety nine"
        return f"{pounds}{pence:02d}", V.number_words(pounds) + V.number_words(pence)
    return f"{pounds}{pence:02d}", V.number_words(pounds) + ["pounds", "and"] + V.number_words(pence) + ["pence"]


def decoy_year(rng):
    y = rng.randint(1995, 2024)
    return str(y), V.year_words(y)


def decoy_time(rng):
    h, m = rng.randint(7, 20), rng.choice([0, 15, 30, 45, 50])
    form = rng.randrange(3)
    if form == 0 and h <= 12:  # "nine thirty a m"
        return f"{h:02d}{m:02d}", V.number_words(h) + (V.number_words(m) if m else ["o'clock"]) + ["a", "m"]
    if form == 1:  # twenty-four hour, "fourteen fifty"
        return f"{h:02d}{m:02d}", V.number_words(h) + (V.two_digit(m) if m else ["hundred"])
    hh = h if h <= 12 else h - 12
    return f"{h:02d}{m:02d}", (["half", "past"] + V.number_words(hh) if m == 30 else
                               V.number_words(hh) + ["o'clock"])


def decoy_duration(rng):
    n, unit = rng.choice([(48, "hours"), (24, "hours"), (10, "working days"), (5, "days"),
                          (3, "weeks"), (90, "days"), (30, "minutes"), (14, "days")])
    return str(n), V.number_words(n) + unit.split()


def decoy_reference(rng):
    """A reference the agent reads out after a payment: a digit string a naive rule mutes."""
    n = rng.choice([6, 7, 8, 9])
    digits = str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(n - 1))
    if rng.random() < 0.35:
        pre = rng.choice(["cr", "ref", "tx", "pa", "zk"])[:2]
        return pre + digits, V.say_letters(pre) + V.grouped(digits, [3, 3])
    return digits, V.grouped(digits, [3, 3]) if rng.random() < 0.6 else V.digit_words(digits)


def decoy_quantity(rng):
    n, what = rng.randint(2, 12), rng.choice(["boxes", "bottles", "items", "parcels", "packs", "pairs"])
    return str(n), V.number_words(n) + [what]


def decoy_order(rng):
    digits = str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(rng.choice([7, 8, 9])))
    return digits, V.grouped(digits, [3, 3, 3])


def decoy_queue(rng):
    n = rng.randint(2, 9)
    return str(n), ["number", V.DIGIT[n]]


def decoy_house(rng):
    n = rng.randint(2, 99)
    return str(n), ["number"] + V.number_words(n)


DECOYS = {"amount": decoy_amount, "year": decoy_year, "time": decoy_time,
          "duration": decoy_duration, "reference": decoy_reference, "quantity": decoy_quantity,
          "order": decoy_order, "queue": decoy_queue, "house": decoy_house}


# ---- the call --------------------------------------------------------------------------------

class Script:
    def __init__(self, rng, bank, recorded_customer, clips):
        self.rng, self.bank = rng, bank
        self.recorded = recorded_customer  # the customer's values come from Allison's prompts
        self.clips = clips
        self.turns = []
        self.features = []

    def say(self, who, *items):
        items = [i for i in items if not (isinstance(i, str) and not i.strip())]
        if not items:
            return
        if self.turns and self.turns[-1][0] == who:  # same speaker again: one longer turn
            self.turns[-1][1].extend(items)
        else:
            self.turns.append((who, list(items)))

    def pick(self, key, sub=None):
        pool = self.bank[key] if sub is None else self.bank[key][sub]
        return self.rng.choice(pool)

    def value_item(self, kind, value, who):
        words = V.SAY[kind](self.rng, value, recorded=(who == CUSTOMER and self.recorded))
        return (kind, value, words)

    def decoy(self, who, dkind):
        tmpl = self.pick("decoy", dkind)
        value, words = DECOYS[dkind](self.rng)
        before, _, after = tmpl.partition("{n}")
        self.say(who, before.strip(), ("DECOY", value, words), after.strip(" ."))
        self.features.append(f"decoy:{dkind}")


def fill(text, ctx):
    return text.format(**ctx)


def make_values(rng, kinds):
    person = V.name(rng)
    vals = {"NAME": person, "EMAIL": V.email(rng, person), "PAN": V.pan(rng),
            "EXPIRY": V.expiry(rng), "SORT_CODE": V.sort_code(rng), "ACCOUNT": V.account(rng),
            "DOB": V.dob(rng), "ADDRESS": V.address(rng), "POSTCODE": V.postcode(rng),
            "PHONE": V.phone(rng), "NINO": V.nino(rng)}
    vals["CVV"] = V.cvv(rng, amex=vals["PAN"][:2] in ("34", "37"))
    return {k: vals[k] for k in kinds}


def corrupt(rng, value, kind=None):
    """The same value with one digit wrong: what a caller says before correcting themselves.
    A date of birth stays a real date (a slip in the year when the day or month would break)."""
    i = rng.randrange(len(value))
    d = rng.choice([c for c in "0123456789" if c != value[i]])
    out = value[:i] + d + value[i + 1:]
    if kind == "DOB" and not (1 <= int(out[:2]) <= 28 and 1 <= int(out[2:4]) <= 12):
        d = d if d != value[7] else str((int(d) + 1) % 10)
        out = value[:7] + d
    return out


def ask_and_answer(s, kind, value, mode):
    cust_lead = s.pick("lead", kind)
    s.say(AGENT, s.pick("ask", kind))
    if kind == "PAN" and s.rng.random() < 0.15:
        s.say(CUSTOMER, s.pick("pause_cust"), s.rng.uniform(1.2, 2.2))
        s.features.append("pause")
    if mode == "split" and kind in DIGIT_KINDS:
        cut = {"PAN": 8, "SORT_CODE": 2, "ACCOUNT": 4, "PHONE": 5}[kind]
        if kind == "PAN" and len(value) == 15:
            cut = 4
        s.say(CUSTOMER, cust_lead, s.value_item(kind, value[:cut], CUSTOMER))
        s.say(AGENT, s.pick("go_on"))
        s.say(CUSTOMER, s.value_item(kind, value[cut:], CUSTOMER))
        s.features.append(f"split:{kind}")
    elif mode == "correction" and (kind in DIGIT_KINDS or kind in ("DOB", "CVV")):
        wrong = corrupt(s.rng, value, kind)
        s.say(CUSTOMER, cust_lead, s.value_item(kind, wrong, CUSTOMER), s.pick("correct"),
              s.value_item(kind, value, CUSTOMER))
        s.features.append(f"correction:{kind}")
    else:
        s.say(CUSTOMER, cust_lead, s.value_item(kind, value, CUSTOMER), s.pick("tail"))
    if mode == "readback":
        s.say(AGENT, s.pick("readback"), s.value_item(kind, value, AGENT), s.pick("confirm_q"))
        s.say(CUSTOMER, s.pick("yes"))
        s.features.append(f"readback:{kind}")
    else:
        s.say(AGENT, s.pick("ack"))


def small_talk(s):
    q, a = s.pick("smalltalk")
    s.say(AGENT, q)
    own = [c for c in s.clips]
    if own and s.rng.random() < 0.6:  # a real recorded voice answers
        clip = s.rng.choice(own)
        s.say(CUSTOMER, ("CLIP", clip))
        s.features.append("real-smalltalk")
    else:
        s.say(CUSTOMER, a)
    if s.rng.random() < 0.5:
        s.decoy(CUSTOMER, "house")


def compose(rng, bank, scenario, recorded_customer, clips, read_back=()):
    """A whole call: greeting, reason, verification and payload values, decoys, closing.
    read_back: kinds the agent always reads back (the draw is still made, so a part that
    forces none is the same call for call)."""
    s = Script(rng, bank, recorded_customer, clips)
    ctx = {"org": rng.choice(bank["orgs"]), "agent": rng.choice(bank["agents"])}
    kinds = list(SCENARIOS[scenario])
    if scenario == "card_payment" and rng.random() < 0.3:
        kinds = rng.choice([["NAME"], ["NAME", "POSTCODE"], ["DOB"]]) + kinds
    vals = make_values(rng, kinds)
    if rng.random() < 0.12:
        s.decoy(AGENT, "queue")
    s.say(AGENT, fill(s.pick("greet"), ctx))
    s.say(CUSTOMER, s.pick("reason", REASON[scenario]))
    # A customer who volunteers a value before anyone asks for it.
    volunteered = None
    if kinds and rng.random() < 0.25:
        volunteered = rng.choice(kinds)
        s.say(CUSTOMER, s.pick("volunteer", volunteered),
              s.value_item(volunteered, vals[volunteered], CUSTOMER))
        s.say(AGENT, s.pick("ack"))
        s.features.append(f"volunteer:{volunteered}")
    if rng.random() < 0.3:
        small_talk(s)
    paid = False
    for kind in kinds:
        if kind == volunteered:
            continue
        if kind == "PAN":
            s.decoy(AGENT, "amount")
        r = rng.random()
        mode = ("readback" if r < 0.2 or kind in read_back else "split" if r < 0.32 else
                "correction" if r < 0.4 else "plain")
        ask_and_answer(s, kind, vals[kind], mode)
        paid = paid or kind == "CVV"
    if paid or (scenario == "bank_change" and rng.random() < 0.5) or rng.random() < 0.15:
        s.decoy(AGENT, "reference")
    if scenario == "enquiry":  # no sensitive value: only numbers that must stay audible
        for d in rng.sample(["amount", "time", "duration", "year", "quantity", "order"], 3):
            s.decoy(AGENT, d)
        if rng.random() < 0.5:
            small_talk(s)
    elif rng.random() < 0.4:
        s.decoy(AGENT, rng.choice(["time", "duration", "year", "quantity", "order"]))
    # The closing after the business: must not be taken as an answer to the last question.
    s.say(AGENT, s.pick("anything_else"))
    s.say(CUSTOMER, s.pick("closing_no"))
    s.say(AGENT, s.pick("bye"))
    return s.turns, vals, s.features
