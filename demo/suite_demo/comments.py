"""Realistic free-text comments, built from phrases so a year of them does not repeat itself."""
import random

POSITIVE = {
    "speed": ["Sorted within the hour, brilliant.", "Really quick turnaround, thank you.",
              "Fixed the same morning I raised it.", "Didn't have to wait long at all."],
    "communication": ["Kept me updated all the way through.", "Clear explanation of what went wrong.",
                      "Good emails letting me know what was happening."],
    "resolution": ["Fixed first time and it has stayed fixed.", "Problem completely resolved.",
                   "All working again now, thanks."],
    "staff": ["{agent} was patient and friendly.", "{agent} went above and beyond.",
              "Lovely helpful person on the phone."],
    "self_service": ["The portal made it easy to log.", "Found the answer in the knowledge base first."],
    "equipment": ["New laptop is much faster.", "Printer sorted and working again.",
                  "Docking station swapped out quickly."],
    "remote_access": ["VPN works perfectly from home now.", "Can finally work remotely without drops."],
    "accounts": ["Password reset done in minutes.", "Account unlocked straight away."],
    "follow_up": ["Nice that someone checked back the next day.", "Got a follow-up call to make sure."],
}
NEGATIVE = {
    "speed": ["Took ages to get anyone to look at it.", "Waited over a week for a simple fix.",
              "Far too slow, I couldn't work for two days."],
    "communication": ["Nobody called back.", "No updates at all, I had to keep chasing.",
                      "Ticket closed without anyone telling me."],
    "resolution": ["Still not working.", "Closed but the problem is still there.",
                   "Third time I've reported this and it's not fixed."],
    "staff": ["Felt like I was being fobbed off.", "The person I spoke to was quite dismissive."],
    "self_service": ["The portal is confusing and the form kept timing out.",
                     "Couldn't find anything useful on the self-service page."],
    "equipment": ["Printer jams again every morning.", "Laptop still freezes several times a day.",
                  "Waiting weeks for a replacement keyboard."],
    "remote_access": ["VPN keeps dropping every ten minutes.", "Can't connect from home at all."],
    "accounts": ["Locked out again after the password reset.", "MFA setup was a nightmare."],
    "follow_up": ["Promised a call back that never came.", "Nobody followed up as promised."],
}
NEUTRAL = ["It was fine.", "OK in the end.", "Resolved, eventually.", "Did the job.",
           "No complaints.", "Average service."]
OPENERS = ["", "", "", "Honestly, ", "To be fair, ", "Overall ", "Thanks. "]
PII_TAILS = ["Call me on 07700 900{n:03d} if you need more.", "My email is {first}.{last}@council.example.gov.uk",
             "Regards, {first} {last}", "{first} - office SO23 8UJ", "Thanks, {first}"]


def comment_for(rng: random.Random, score: int, theme: str, first: str, last: str) -> str | None:
    """A comment whose tone follows the score, mostly about the service's main theme."""
    if rng.random() > 0.58:
        return None
    if rng.random() < 0.35:
        theme = rng.choice(list(POSITIVE))
    if score >= 4:
        bank = POSITIVE
    elif score <= 2:
        bank = NEGATIVE
    else:
        bank = POSITIVE if rng.random() < 0.3 else NEGATIVE if rng.random() < 0.5 else None
    if rng.random() < 0.04:  # the rating and the words disagree: real people do this
        bank = NEGATIVE if bank is POSITIVE else POSITIVE
    parts = [rng.choice(OPENERS) + (rng.choice(bank[theme]) if bank else rng.choice(NEUTRAL))]
    if rng.random() < 0.3:
        other = rng.choice(list(POSITIVE))
        parts.append(rng.choice((bank or POSITIVE)[other]))
    if rng.random() < 0.08:
        parts.append(rng.choice(PII_TAILS).format(n=rng.randrange(1000), first=first, last=last))
    agent = rng.choice(("Dave", "Karen", "Mo", "Jess", "Rob", "Anita"))
    return " ".join(parts).replace("{agent}", agent)
