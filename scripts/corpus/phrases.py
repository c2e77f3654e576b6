"""Phrase banks for the two parts of the corpus.

DEV and TEST share no template: every question, lead-in, read-back, small-talk line, decoy
sentence, greeting and closing of TEST is worded differently from DEV's (checked by
check_disjoint(), run by the generator), and TEST avoids the wordings of scripts/make_samples.py.
So a rule tuned on dev's words (or on samples/) has not seen test's.

Placeholders: {org} company, {agent} agent's first name, {first} customer's first name,
{n} a decoy's spoken words (in DECOY templates only).
Questions are lists per kind; "lead" are the customer's words before the value (an empty string
means the value is said alone); "tail" the words after it.
"""

DEV = {
    "orgs": ["Northgate Energy", "Harbour Bank", "Brightside Books", "Fitzone", "Parcelwise",
             "Coastline Holidays", "Readers Circle", "Meridian Insurance", "Clearwater Utilities",
             "Kestrel Broadband"],
    "agents": ["Laura", "Marcus", "Emma", "Peter", "Jenny", "Kirsty", "Sam", "Hollie", "Dean",
               "Ruth"],
    "greet": ["Good morning, {org}, {agent} speaking. How can I help?",
              "Thanks for calling {org}, you're through to {agent}.",
              "Hello, {org} customer service, this is {agent}.",
              "Hi there, {org}, my name's {agent}, what can I do for you today?",
              "Good afternoon, you're speaking to {agent} at {org}.",
              "{org}, {agent} here, how can I help you?"],
    "reason": {
        "pay": ["Hi, I'd like to pay my bill please.", "Hello, I want to make a payment.",
                "I've had a reminder and I'd like to settle it now.",
                "Hiya, I'm ringing to pay what I owe."],
        "bank": ["I need to change the bank account my payments come from.",
                 "Hi, I want to set up a direct debit.",
                 "I've switched banks and need to update my details."],
        "id": ["Hi, I'm calling about my account.", "Hello, I've got a question about a letter you sent.",
               "I need to check something on my policy."],
        "contact": ["I need to update my contact details.", "Hi, I've got a new phone number.",
                    "I'd like to change the email you have for me."],
        "tax": ["I'm calling about my pension forecast.", "Hello, it's about my tax code.",
                "Hi, I need to register for the benefit."],
        "delivery": ["I'm moving house and need to change my delivery address.",
                     "Hi, my parcel hasn't turned up.", "I'd like to arrange a redelivery."],
        "enquiry": ["Hi, I just wanted to know your opening hours.",
                    "Hello, how much is the premium package?",
                    "I was wondering how long a refund takes."],
    },
    "ask": {
        "NAME": ["Can I take your full name, please?", "Who am I speaking with today?",
                 "And can I start with your name?", "What name is the account under?",
                 "Could I get your first name and surname?"],
        "DOB": ["And your date of birth, please?", "Can you confirm your date of birth for me?",
                "What's your date of birth?", "For security, your date of birth?",
                "And when were you born?"],
        "POSTCODE": ["And the postcode?", "What's the postcode there?",
                     "Can I have the postcode on the account?", "And your postcode, please?",
                     "Could you give me the postcode?"],
        "ADDRESS": ["And the first line of your address?", "What's the address?",
                    "Can you tell me the house number and street?", "And where do you live?",
                    "Can I take the first line of the address?"],
        "PHONE": ["What's the best number to reach you on?", "Can I take a contact number?",
                  "And your mobile number?", "What number should we call you back on?",
                  "Is there a phone number I can put on the account?"],
        "EMAIL": ["And your email address?", "Where should we send the confirmation?",
                  "Can I take an email for the receipt?", "What's your email, please?",
                  "Could you spell out your email address for me?"],
        "NINO": ["Can I have your national insurance number?", "What's your N I number?",
                 "And your national insurance number, please?",
                 "I'll need your national insurance number to find you.",
                 "Could you read me your national insurance number?"],
        "PAN": ["When you're ready, the long number on the front of the card.",
                "Can I take the card number, please?", "What's the sixteen digit card number?",
                "Go ahead with the card number whenever you're ready.",
                "And the number across the front of the card?"],
        "EXPIRY": ["And the expiry date?", "When does the card expire?",
                   "What's the expiry on the card?", "And the end date on the card?",
                   "Can I have the expiry date, month and year?"],
        "CVV": ["And the three digits on the back.", "And the security code on the back?",
                "Last three digits on the signature strip, please.",
                "Can I take the C V V?", "And finally the three digit security code."],
        "SORT_CODE": ["What's the sort code?", "Can I have the sort code of the account?",
                      "And the sort code, please?", "Could you read me the six digit sort code?",
                      "What's the bank's sort code?"],
        "ACCOUNT": ["And the account number?", "Can I take the eight digit account number?",
                    "What's the account number, please?", "And the account number itself?",
                    "Could you read out the account number?"],
    },
    "lead": {
        "NAME": ["It's", "Yes, it's", "My name is", "", "Sure, it's"],
        "DOB": ["It's", "", "I was born on", "Yes,", "It's the"],
        "POSTCODE": ["It's", "", "Postcode is", "Yeah, it's", "It's the"],
        "ADDRESS": ["It's", "", "I'm at", "Yeah, it's", "I live at"],
        "PHONE": ["It's", "", "My mobile is", "Yeah, it's", "You can get me on"],
        "EMAIL": ["It's", "", "My email is", "Yeah, it's", "Send it to"],
        "NINO": ["It's", "", "Yes, it's", "I've got it here,", "Right,"],
        "PAN": ["Okay, it's", "", "Right, here we go.", "It's", "Yep,"],
        "EXPIRY": ["It's", "", "It runs out", "Expiry is", "Yes,"],
        "CVV": ["It's", "", "The code is", "Yep,", "Okay,"],
        "SORT_CODE": ["It's", "", "The sort code is", "Yeah,", "Okay, it's"],
        "ACCOUNT": ["It's", "", "The account number is", "Right,", "Okay,"],
    },
    "tail": ["", "", "", "", "I think.", "That's it.", "Got that?"],
    "ack": ["Thank you.", "Lovely.", "Great, thanks.", "Perfect.", "Thanks for that.", "Okay."],
    "readback": ["So that's", "Let me read that back,", "Just to confirm,", "I've got"],
    "confirm_q": ["Is that right?", "Correct?", "Have I got that right?"],
    "yes": ["Yes.", "That's right.", "Yes, that's it.", "Correct."],
    "go_on": ["Yes, go on.", "Okay, carry on.", "Mm hm, and the rest?"],
    "pause_cust": ["Hang on, let me just get my card.", "Sorry, one second."],
    "correct": ["Sorry, no, it's", "Wait, sorry, that's wrong, it's", "No, hang on, it's"],
    "volunteer": {
        "PAN": ["I've got the card here, the number is", "I'll give you the card number now, it's"],
        "NAME": ["My name's", "It's in the name of"],
        "DOB": ["My date of birth is", "Before you ask, I was born"],
        "POSTCODE": ["My postcode is", "It's for postcode"],
        "PHONE": ["My new number is", "You can reach me on"],
        "EMAIL": ["My email is", "Use the email"],
        "NINO": ["My N I number is", "I've got my national insurance number, it's"],
        "ACCOUNT": ["The new account number is", "Account number"],
        "SORT_CODE": ["The sort code is", "And the sort code,"],
        "ADDRESS": ["I'm at", "My new address is"],
        "EXPIRY": ["It expires", "Expiry's"],
        "CVV": ["And the code on the back is", "Security code's"],
    },
    "smalltalk": [
        ("How's your day going?", "Not bad thanks, busy as ever."),
        ("Lovely weather today, isn't it?", "Yes, makes a change, doesn't it."),
        ("Sorry about the wait.", "That's alright, I had the radio on."),
        ("Bear with me, the system's a bit slow.", "No rush at all."),
        ("Have you got anything nice planned for the weekend?", "Just seeing the grandkids."),
    ],
    "decoy": {
        # (agent template with {n}, decoy generator name)
        "amount": ["The balance is {n}.", "That comes to {n} in total.",
                   "It's {n} a month.", "You owe {n}."],
        "year": ["You've been with us since {n}.", "The policy started in {n}."],
        "time": ["We're open from {n} tomorrow.", "The engineer will come at {n}.",
                 "Lines open at {n}."],
        "duration": ["It takes about {n} to show.", "You'll hear back within {n}."],
        "reference": ["That's gone through. Your reference is {n}.",
                      "All done. The confirmation number is {n}."],
        "quantity": ["I can see {n} on the order.", "There are {n} in the parcel."],
        "order": ["I can see your order number is {n}.", "That's order {n}."],
        "queue": ["Thanks for holding, you were {n} in the queue."],
        "house": ["My neighbour at {n} had the same problem.",
                  "The parcel went to {n} instead, two doors down."],
    },
    "anything_else": ["Is there anything else I can help with?", "Anything else today?",
                      "Is there anything else?"],
    "closing_no": ["No, that's everything, thanks.", "No, that's all, cheers.",
                   "No, that's it, thank you."],
    "bye": ["Thanks for calling, bye now.", "Have a lovely day, goodbye.", "Take care, bye."],
    "clip_lines": "dev",  # which half of the recorded small talk (synth.CLIPS) this part uses
}

TEST = {
    "orgs": ["Sterling Water", "Pennant Mutual", "Lakeside Gas", "Orbit Mobile", "Fenwick Home",
             "Ashdown Motors", "Bluebell Travel", "Cobalt Credit", "Heron Telecom",
             "Maple Lettings"],
    "agents": ["Gemma", "Rob", "Aoife", "Nathan", "Priti", "Callum", "Denise", "Leon", "Abi",
               "Tariq"],
    "greet": ["Morning, {org}, you're talking to {agent}.",
              "{agent} at {org}, what can I sort out for you?",
              "Welcome to {org}, I'm {agent}, how may I help?",
              "Hiya, it's {agent} from {org}, what's the call about?",
              "Evening, {org} help desk, {agent} on the line.",
              "You've reached {org}, {agent} speaking, go ahead."],
    "reason": {
        "pay": ["Yeah hi, I got a letter saying I'm behind, can I clear it?",
                "Morning, I want to pay off the outstanding amount.",
                "I'm phoning to put a payment on my account.",
                "Can I pay for the repair over the phone?"],
        "bank": ["I'd like my payments taken from a different account now.",
                 "Can I swap the bank details for my monthly payment?",
                 "I opened a new current account and want to use that."],
        "id": ["I've been locked out of my online account.",
               "There's a charge I don't recognise.", "I want to add my partner to the account."],
        "contact": ["My number's changed, can you update it?",
                    "You've got an old email for me.", "I keep missing your texts, wrong number I think."],
        "tax": ["I've had a letter about my state pension.",
                "I think I've been put on the wrong tax code.",
                "I'm applying for the carer's allowance."],
        "delivery": ["My order went to the wrong house.", "Can you send it to my work instead?",
                     "I've moved and want the next delivery at the new place."],
        "enquiry": ["How late are you open on a Saturday?",
                    "Just checking what the cancellation fee is.",
                    "How many days does a transfer normally take?"],
    },
    "ask": {
        "NAME": ["Could you tell me who the account holder is?", "First things first, your name?",
                 "And who's calling, please?", "May I have your name as it appears on the account?",
                 "Just your first and last name for me."],
        "DOB": ["Can you give me your birthday, including the year?",
                "I just need your D O B.", "What date were you born?",
                "To get you through security, date of birth?",
                "Could you verify the birth date on file?"],
        "POSTCODE": ["Which postcode is that?", "And what's the postcode for the property?",
                     "Can you confirm the post code, please?", "The postcode you're registered at?",
                     "Postcode for me?"],
        "ADDRESS": ["Which house number and street is it?", "And the street address?",
                    "Can you confirm the address we hold?", "What's the new address then?",
                    "Where would you like it delivered?"],
        "PHONE": ["Which number can we text you on?", "Can I grab a phone number?",
                  "What's your new number?", "A daytime telephone number, please?",
                  "And the number you'd like us to ring?"],
        "EMAIL": ["Which email should I use?", "What email address have you got?",
                  "Where do you want the invoice emailed?", "Email address for the account?",
                  "Can you give me the new email?"],
        "NINO": ["I'll need your N I N O.", "Have you got your national insurance number handy?",
                 "Could you confirm your national insurance number?",
                 "What's the national insurance number on your payslip?",
                 "Read out your N I number when you're ready."],
        "PAN": ["Could I get the number on the card?", "Read me the card number in your own time.",
                "What's the long card number, please?", "So, the digits on the front of the card?",
                "Which card are you paying with? I'll need the number."],
        "EXPIRY": ["What's the valid to date?", "And it expires when?",
                   "Can you read me the expiry, month and then year?",
                   "What does it say under expires end?", "The card's expiry, please?"],
        "CVV": ["And the security number on the reverse?", "Now the three digit code on the back.",
                "What's the card verification code?", "Finally, the little code by the signature.",
                "The last three digits on the reverse, please."],
        "SORT_CODE": ["Which sort code is it?", "Can you read out the bank sort code?",
                      "And the branch sort code?", "Sort code for the new account, please?",
                      "What are the six digits of the sort code?"],
        "ACCOUNT": ["What's the number of the account?", "And your bank account number?",
                    "Can you read the account number to me?",
                    "I'll need the full account number now.", "Which account number is it?"],
    },
    "lead": {
        "NAME": ["That's", "The name's", "It'd be", "I'm", "Yeah, that's"],
        "DOB": ["That's", "It'd be", "I'm", "Born on the", "Mine's"],
        "POSTCODE": ["That'll be", "It's um,", "We're", "Ours is", "Right, it's"],
        "ADDRESS": ["That's", "We're at", "Number", "It's over at", "Um,"],
        "PHONE": ["That'll be", "Try", "Best one's", "It's um,", "Ring me on"],
        "EMAIL": ["That's", "Use", "It's um,", "Best one is", "Just put"],
        "NINO": ["That's", "Mine is", "Got it, it's", "Um, okay,", "Here it is,"],
        "PAN": ["That's", "Okay, ready?", "Long number's", "Um, it's", "Righto,"],
        "EXPIRY": ["That's", "It says", "Valid to", "Um,", "Runs till"],
        "CVV": ["That's", "It's um,", "Code's", "On the back it says", "Righto,"],
        "SORT_CODE": ["That's", "It's um,", "Sort code's", "Got it,", "Ready? It's"],
        "ACCOUNT": ["That's", "Number's", "It's um,", "Got it here,", "Ready? It's"],
    },
    "tail": ["", "", "", "", "if that helps.", "there you go.", "did you catch that?"],
    "ack": ["Cheers.", "Brilliant.", "Got it.", "Super.", "Thanks very much.", "Right you are."],
    "readback": ["Okay, I have", "Reading that back,", "Let me check,", "That's"],
    "confirm_q": ["Is that correct?", "Does that match?", "Yeah?"],
    "yes": ["Yep.", "Spot on.", "Yeah, that's the one.", "That's correct."],
    "go_on": ["Uh huh, keep going.", "Okay, next bit?", "Got that, and then?"],
    "pause_cust": ["Bear with me, it's in my other bag.", "Hold on, I need my glasses."],
    "correct": ["Oh, I tell a lie, it's", "Scratch that, it's", "Hang about, I mean"],
    "volunteer": {
        "PAN": ["I'll pay on card, it's", "Card number's"],
        "NAME": ["This is", "I'm calling as"],
        "DOB": ["I'll give you my birthday now,", "My D O B is"],
        "POSTCODE": ["The post code's", "I'm in"],
        "PHONE": ["My number's now", "Put down"],
        "EMAIL": ["The new email is", "Just email"],
        "NINO": ["My N I N O is", "National insurance is"],
        "ACCOUNT": ["Account's", "My account number is"],
        "SORT_CODE": ["Sort code is", "Bank sort code,"],
        "ADDRESS": ["I'm living at", "We're now at"],
        "EXPIRY": ["Valid until", "It runs till"],
        "CVV": ["Back code is", "Three digit code,"],
    },
    "smalltalk": [
        ("Busy day for you?", "Run off my feet, to be honest."),
        ("It's been chucking it down here all morning.", "Same here, I got soaked."),
        ("Thanks for your patience today.", "No worries, I made a cup of tea."),
        ("Just a moment while that loads.", "Take your time."),
        ("Did you manage to get away this summer?", "We had a week in Cornwall."),
    ],
    "decoy": {
        "amount": ["The amount due is {n}.", "Your total today is {n}.",
                   "The monthly charge will be {n}.", "There's {n} left to pay."],
        "year": ["Your account was opened back in {n}.", "That car was registered in {n}."],
        "time": ["Someone can call you at {n}.", "We close at {n} on weekdays.",
                 "Your slot is {n}."],
        "duration": ["Allow {n} for that.", "It should be sorted in {n}."],
        "reference": ["Payment taken. For your records the reference is {n}.",
                      "That's processed, make a note of the transaction number, {n}."],
        "quantity": ["That's {n} you've ordered.", "We sent {n} last time."],
        "order": ["Your order reference shows as {n}.", "I've got order number {n} here."],
        "queue": ["Apologies, you were {n} in line."],
        "house": ["The courier left it at {n} by mistake.",
                  "My mum lives at {n} on the same road."],
    },
    "anything_else": ["Can I help with anything more?", "Is that everything for today?",
                      "Anything more I can do?"],
    "closing_no": ["Nope, that's the lot, ta.", "That's everything, thanks a lot.",
                   "No, you've been very helpful."],
    "bye": ["Cheers for calling, take care.", "All the best, bye bye.", "Thanks, have a good one."],
    "clip_lines": "test",
}

BANKS = {"dev": DEV, "test": TEST}


def _phrases(bank):
    """Every template string of a bank, for the disjointness check."""
    out = set()

    def walk(x):
        if isinstance(x, str):
            if x.strip():
                out.add(x.strip().lower())
        elif isinstance(x, dict):
            for k, v in x.items():
                if k not in ("clip_lines",):
                    walk(v)
        elif isinstance(x, (list, tuple)):
            for v in x:
                walk(v)
    for key, val in bank.items():
        if key not in ("orgs", "agents", "clip_lines"):
            walk(val)
    return out


def check_disjoint():
    """Phrases (and questions) that appear in both parts: must be none."""
    return sorted(_phrases(DEV) & _phrases(TEST))


def check_counts():
    problems = []
    for split, bank in BANKS.items():
        for kind, qs in bank["ask"].items():
            if len(qs) < 5:
                problems.append(f"{split} {kind}: {len(qs)} questions")
            if len(bank["lead"][kind]) < 5:
                problems.append(f"{split} {kind}: {len(bank['lead'][kind])} answer lead-ins")
    return problems
