"""An alert as the vendors document it: Slack's incoming webhook JSON (text + blocks) and a
Teams incoming webhook / Workflows message (an Adaptive Card in an attachments envelope).

Only what analysis stores goes in: the redacted comment, never the raw one.
"""

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


def headline(alert: dict) -> str:
    where = " / ".join(x for x in (alert["directorate"], alert.get("service"), alert.get("team")) if x)
    if alert["kind"] == "alert.detractor":
        return f"Detractor: score {alert['score']} in {where}"
    return f"Significant drop in satisfaction: {where} {alert['period']}"


def facts(alert: dict, comment: str | None) -> list[tuple[str, str]]:
    if alert["kind"] == "alert.detractor":
        return [("Score", f"{alert['score']}/5"), ("Sentiment", f"{alert['compound']:+.2f}"),
                ("Comment (redacted)", comment or "(no comment)"),
                ("Response id", alert["response_id"])]
    return [("CSAT", f"{alert['previous_csat']:.0%} ({alert['previous_period']}) → "
                     f"{alert['current_csat']:.0%} ({alert['period']})"),
            ("p-value", f"{alert['p_value']:.4f}")]


def _slack_escape(text: str) -> str:
    # Slack reads &, < and > as control characters in text and mrkdwn (links, mentions).
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(alert: dict, comment: str | None, dashboard_url: str) -> dict:
    """{"text": fallback for notifications, "blocks": [header, facts, link]}."""
    title = headline(alert)
    lines = "\n".join(f"*{name}:* {_slack_escape(value)}" for name, value in facts(alert, comment))
    return {
        "text": _slack_escape(title),
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": lines[:3000]}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text":
                                              f"<{dashboard_url}/dashboard|Open the dashboard>"}]},
        ],
    }


def teams_message(alert: dict, comment: str | None, dashboard_url: str) -> dict:
    """{"type": "message", "attachments": [{contentType: adaptive card, content: card}]}."""
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.2",
        "body": [
            {"type": "TextBlock", "text": headline(alert), "weight": "Bolder", "size": "Medium",
             "wrap": True},
            {"type": "FactSet", "facts": [{"title": name, "value": value}
                                          for name, value in facts(alert, comment)]},
        ],
        "actions": [{"type": "Action.OpenUrl", "title": "Open the dashboard",
                     "url": f"{dashboard_url}/dashboard"}],
    }
    return {"type": "message",
            "attachments": [{"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}]}


SHAPES = {"slack": slack_message, "teams": teams_message}
