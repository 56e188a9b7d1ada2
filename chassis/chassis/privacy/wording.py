"""The privacy promise's period in each language's words, from the retention settings themselves:
the survey email and the survey page say it the same way."""
from chassis.privacy.retention import Period

_EN_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
# Welsh, as it follows "am fwy na" (aspirate mutation: "na thair blynedd").
_CY_YEARS = {1: "blwyddyn", 2: "dwy flynedd", 3: "thair blynedd", 4: "phedair blynedd",
             5: "phum mlynedd", 10: "deng mlynedd"}
_CY_UNITS = {"months": "mis", "weeks": "wythnos", "days": "diwrnod"}


def kept_for(period: Period, lang: str) -> str:
    """'two years', '18 months', '90 days'; in Welsh 'dwy flynedd', '18 mis', '90 diwrnod'."""
    period = period.in_largest_unit()
    count, unit = period.count, period.unit
    if lang == "cy":
        if unit == "years":
            return _CY_YEARS.get(count) or f"{count * 12} mis"
        return f"{count} {_CY_UNITS[unit]}"
    number = _EN_NUMBERS[count] if count < len(_EN_NUMBERS) else str(count)
    return f"{number} {unit if count != 1 else unit[:-1]}"
