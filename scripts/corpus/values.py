"""Fake but real-looking values, and the ways a person says them.

Every generator takes a random.Random so a call's values follow from its seed. Every value is
fake: PANs are Luhn-valid numbers from real issuer ranges with made-up account digits, phone
numbers come from Ofcom's drama ranges, NI numbers start with Q (never issued as a first
letter), e-mails use example.* domains, names and streets are invented.

A spoken form is a list of *words* ("four", "oh", "double", "dot", "m", "|"): "|" marks a pause
between groups. Words are what every voice back end understands: espeak-ng and piper get them
joined into text; the recorded-voice back end (Asterisk prompts) plays one file per word, so a
form meant for it must use only words in its vocabulary (see synth.ALLISON_WORDS).
"""

DIGIT = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
ORD = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh",
       8: "eighth", 9: "ninth", 10: "tenth", 11: "eleventh", 12: "twelfth", 13: "thirteenth",
       14: "fourteenth", 15: "fifteenth", 16: "sixteenth", 17: "seventeenth", 18: "eighteenth",
       19: "nineteenth", 20: "twentieth", 30: "thirtieth"}


def luhn_digit(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # doubled positions, counted from the check digit's left neighbour
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number):
    return luhn_digit(number[:-1]) == number[-1]


# Issuer prefixes from public BIN ranges (Visa 4, Mastercard 51-55 and 2221-2720, Amex 34/37,
# Maestro UK 6759); the remaining digits are random, so no number is a real account.
ISSUERS = [("4", 16), ("4", 16), ("4", 16), ("51", 16), ("53", 16), ("55", 16), ("2223", 16),
           ("2720", 16), ("34", 15), ("37", 15), ("6759", 16)]


def pan(rng):
    prefix, length = rng.choice(ISSUERS)
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    return body + luhn_digit(body)


def cvv(rng, amex=False):
    return "".join(rng.choice("0123456789") for _ in range(4 if amex else 3))


def expiry(rng):
    return f"{rng.randint(1, 12):02d}{rng.randint(26, 31):02d}"


def sort_code(rng):
    return "".join(rng.choice("0123456789") for _ in range(6))


def account(rng):
    return str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(7))


def dob(rng):
    return f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(1942, 2004)}"


def phone(rng):
    """UK numbers from Ofcom's drama ranges: 07700 900xxx, 020 7946 0xxx, 0161 496 0xxx, ..."""
    kind = rng.random()
    if kind < 0.6:
        return "07700900" + f"{rng.randint(0, 999):03d}"
    if kind < 0.75:
        return "02079460" + f"{rng.randint(0, 999):03d}"
    if kind < 0.9:
        return "01614960" + f"{rng.randint(0, 999):03d}"
    return "01134960" + f"{rng.randint(0, 999):03d}"


# NINO prefixes D, F, I, Q, U, V are never used as either letter, so "QQ" and "Q?" prefixes
# can never be real; the suffix is A-D.
def nino(rng):
    second = rng.choice("QAEHJKLMPRSTWXYZ")
    digits = "".join(rng.choice("0123456789") for _ in range(6))
    return f"q{second.lower()}{digits}{rng.choice('abcd')}"


FIRST = ["margaret", "david", "priya", "tom", "aisha", "gareth", "siobhan", "kwame", "fiona",
         "rajesh", "hannah", "callum", "bethany", "oluwaseun", "graham", "zara", "declan",
         "imogen", "tariq", "eleanor", "martin", "chloe", "yusuf", "rebecca", "stuart", "amara",
         "liam", "nadia", "owen", "harriet", "jamal", "louise", "niall", "megan", "vikram",
         "rosie", "ewan", "sadia", "patrick", "jenna"]
LAST = ["okafor", "mcallister", "raman", "whitfield", "hussain", "pritchard", "doyle", "mensah",
        "campbell", "sharma", "greenwood", "fraser", "hughes", "adeyemi", "thornton", "malik",
        "brennan", "ashworth", "qureshi", "lambert", "holloway", "kaur", "rahman", "ellison",
        "baxter", "nwosu", "gallagher", "price", "morrison", "patel", "caldwell", "osei",
        "whittaker", "forsyth", "begum", "lister", "donnelly", "chowdhury", "marsh", "kowalski"]
STREETS = ["acacia avenue", "mill lane", "station road", "church street", "victoria road",
           "park crescent", "the green", "orchard close", "kings road", "meadow view",
           "willow drive", "high street", "queens gardens", "chapel lane", "elm grove",
           "north parade", "brook street", "hawthorn way", "cedar court", "albert terrace",
           "primrose hill", "canal side", "rectory lane", "beech walk"]
TOWNS = ["leeds", "manchester", "bristol", "cardiff", "norwich", "york", "derby", "swindon",
         "exeter", "preston", "dundee", "hull", "reading", "stoke", "luton", "bath"]
# Real postcode areas; district and sector digits and unit letters are random (the unit
# letters skip C I K M O V as Royal Mail does).
AREAS = ["ls", "m", "bs", "cf", "nr", "yo", "de", "sn", "ex", "pr", "dd", "hu", "rg", "st", "lu",
         "ba", "sw", "n", "e", "b", "g", "eh", "cb", "ox", "tn", "cr"]
UNIT = "abdefghjlnpqrstuwxyz"
EMAIL_DOMAINS = ["example.com", "example.co.uk", "example.org", "example.net"]


def name(rng):
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def address(rng):
    return f"{rng.randint(1, 180)} {rng.choice(STREETS)}"


def postcode(rng):
    area = rng.choice(AREAS)
    return f"{area}{rng.randint(1, 19)} {rng.randint(1, 9)}{rng.choice(UNIT)}{rng.choice(UNIT)}"


def email(rng, person):
    first, last = person.split()
    style = rng.randrange(4)
    local = [f"{first}.{last}", f"{first[0]}.{last}", f"{first}{rng.randint(10, 99)}",
             f"{last}.{first[0]}"][style]
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


# --------------------------------------------------------------------------------------------
# Spoken forms. Each returns a list of words, "|" for a pause between groups.
# --------------------------------------------------------------------------------------------

def digit_words(digits, zero="oh"):
    return [zero if d == "0" else DIGIT[int(d)] for d in digits]


def grouped(digits, sizes, zero="oh"):
    words, i = [], 0
    for n in sizes:
        if i:
            words.append("|")
        words += digit_words(digits[i:i + n], zero)
        i += n
    if i < len(digits):
        words += ["|"] + digit_words(digits[i:], zero)
    return words


def with_doubles(digits, zero="oh"):
    """'double seven', 'triple oh': how British callers compress runs."""
    words, i = [], 0
    while i < len(digits):
        j = i
        while j < len(digits) and digits[j] == digits[i]:
            j += 1
        run = j - i
        w = zero if digits[i] == "0" else DIGIT[int(digits[i])]
        if run == 2:
            words += ["double", w]
        elif run == 3:
            words += ["triple", w]
        else:
            words += [w] * run
        i = j
    return words


def two_digit(n):
    """12 -> ['twelve'], 40 -> ['forty'], 76 -> ['seventy', 'six'], 5 -> ['oh', 'five']."""
    if n < 10:
        return ["oh", DIGIT[n]]
    if n < 20:
        return [TEENS[n - 10]]
    return [TENS[n // 10]] + ([DIGIT[n % 10]] if n % 10 else [])


def number_words(n):
    """Cardinal words for 0-9999 ("two hundred and forty")."""
    if n < 10:
        return [DIGIT[n]]
    if n < 100:
        return two_digit(n)
    if n < 1000:
        rest = n % 100
        return [DIGIT[n // 100], "hundred"] + (["and"] + number_words(rest) if rest else [])
    rest = n % 1000
    return number_words(n // 1000) + ["thousand"] + (
        (["and"] if rest < 100 else []) + number_words(rest) if rest else [])


def year_words(y):
    if 2000 <= y < 2010:
        return ["two", "thousand", "and", DIGIT[y - 2000]] if y > 2000 else ["two", "thousand"]
    return two_digit(y // 100) + two_digit(y % 100)


def ordinal_words(d):
    if d in ORD:
        return [ORD[d]]
    return [TENS[d // 10], ORD[d % 10]]


def say_pan(rng, v, recorded=False):
    forms = [lambda: grouped(v, [4, 4, 4] if len(v) == 16 else [4, 6]),
             lambda: digit_words(v),
             lambda: grouped(v, [4] * 3 if len(v) == 16 else [4, 6], zero="zero")]
    if not recorded:  # the recorded voice has no "double"
        forms.append(lambda: sum(([*with_doubles(v[i:i + 4]), "|"] for i in range(0, len(v), 4)),
                                 [])[:-1])
    return rng.choice(forms)()


def say_cvv(rng, v, recorded=False):
    return digit_words(v, zero=rng.choice(["oh", "zero"]))


def say_expiry(rng, v, recorded=False):
    m, y = int(v[:2]), int(v[2:])
    forms = [lambda: two_digit(m) + ["|"] + two_digit(y),
             lambda: two_digit(m) + ["slash"] + two_digit(y),
             lambda: [MONTHS[m - 1]] + year_words(2000 + y),
             lambda: [MONTHS[m - 1]] + two_digit(y)]
    return rng.choice(forms)()


def say_sort_code(rng, v, recorded=False):
    starts = range(0, len(v), 2)  # a split reading may give only part of the code
    pairs = [int(v[i:i + 2]) for i in starts]
    forms = [lambda: sum((two_digit(p) + ["|"] for p in pairs), [])[:-1],
             lambda: digit_words(v),
             lambda: grouped(v, [2, 2, 2])]
    if not recorded:
        forms.append(lambda: sum((with_doubles(v[i:i + 2]) + ["|"] for i in starts), [])[:-1])
    return rng.choice(forms)()


def say_account(rng, v, recorded=False):
    forms = [lambda: grouped(v, [4, 4]), lambda: digit_words(v), lambda: grouped(v, [2, 3, 3])]
    if not recorded:
        forms.append(lambda: with_doubles(v[:4]) + ["|"] + with_doubles(v[4:]))
    return rng.choice(forms)()


def say_phone(rng, v, recorded=False):
    sizes = [5, 3, 3] if v.startswith("07") else [3, 4, 4] if v.startswith("020") else [4, 3, 4]
    forms = [lambda: grouped(v, sizes), lambda: grouped(v, sizes, zero="zero")]
    if not recorded:
        forms.append(lambda: sum((with_doubles(p) + ["|"] for p in _split(v, sizes)), [])[:-1])
    return rng.choice(forms)()


def _split(v, sizes):
    out, i = [], 0
    for n in sizes:
        out.append(v[i:i + n]); i += n
    return out


def say_dob(rng, v, recorded=False):
    d, m, y = int(v[:2]), int(v[2:4]), int(v[4:])
    forms = [lambda: ["the"] + ordinal_words(d) + ["of", MONTHS[m - 1]] + year_words(y),
             lambda: ordinal_words(d) + [MONTHS[m - 1]] + year_words(y),
             lambda: [MONTHS[m - 1]] + ordinal_words(d) + year_words(y),
             lambda: digit_words(v[:2]) + ["|"] + digit_words(v[2:4]) + ["|"] + year_words(y),
             lambda: two_digit(d) + two_digit(m) + two_digit(y % 100)]
    if recorded:  # the recorded voice has no "the" or "of"
        forms = forms[1:]
    return rng.choice(forms)()


def say_letters(s):
    out = []
    for ch in s:
        if ch.isdigit():
            out.append(DIGIT[int(ch)])
        elif ch.isalpha():
            out.append("zed" if ch == "z" else ch)
    return out


def say_postcode(rng, v, recorded=False):
    out, inward = v.split()
    letters = "".join(c for c in out if c.isalpha())
    district = int("".join(c for c in out if c.isdigit()))
    forms = [lambda: say_letters(letters) + number_words(district) + ["|"] + say_letters(inward),
             lambda: say_letters(out) + ["|"] + say_letters(inward)]
    return rng.choice(forms)()


def say_nino(rng, v, recorded=False):
    letters, digits, suffix = v[:2], v[2:8], v[8]
    forms = [lambda: say_letters(letters) + ["|"] + grouped(digits, [2, 2, 2]) + ["|", suffix],
             lambda: say_letters(letters) + ["|"] + digit_words(digits) + ["|", suffix],
             lambda: say_letters(letters) + ["|"] + sum((two_digit(int(digits[i:i + 2])) for i in (0, 2, 4)), [])
             + ["|", suffix]]
    return rng.choice(forms)()


def say_email(rng, v, recorded=False):
    local, domain = v.split("@")
    words = []
    for part in local.split("."):
        if words:
            words.append("dot")
        if recorded or len(part) <= 2 or rng.random() < 0.3:
            words += say_letters(part)  # spelled out, letter by letter
        else:
            alpha = "".join(c for c in part if c.isalpha())
            num = "".join(c for c in part if c.isdigit())
            words += [alpha] + (number_words(int(num)) if num else [])
    words.append("at")
    for i, part in enumerate(domain.split(".")):
        if i:
            words.append("dot")
        words += say_letters(part) if recorded and part not in ("uk",) else [part] if part != "uk" else ["u", "k"]
    return words


def say_name(rng, v, recorded=False):
    first, last = v.split()
    forms = [lambda: [first, last], lambda: [first, last] + ["|"] + say_letters(last)]
    return rng.choice(forms)()


def say_address(rng, v, recorded=False):
    num, street = v.split(" ", 1)
    n = int(num)
    forms = [lambda: number_words(n) + street.split(),
             lambda: (digit_words(num) if n >= 100 else number_words(n)) + street.split()]
    return rng.choice(forms)()


SAY = {"PAN": say_pan, "CVV": say_cvv, "EXPIRY": say_expiry, "SORT_CODE": say_sort_code,
       "ACCOUNT": say_account, "PHONE": say_phone, "DOB": say_dob, "POSTCODE": say_postcode,
       "NINO": say_nino, "EMAIL": say_email, "NAME": say_name, "ADDRESS": say_address}


def words_to_text(words):
    """Words to the text a TTS engine reads: groups become comma-separated phrases."""
    text = " ".join(words).replace(" | ", ", ").replace("|", ",")
    return text.strip(" ,")


def groups(words):
    """Split a spoken form at its pauses."""
    out, cur = [], []
    for w in words:
        if w == "|":
            if cur:
                out.append(cur)
            cur = []
        else:
            cur.append(w)
    if cur:
        out.append(cur)
    return out
