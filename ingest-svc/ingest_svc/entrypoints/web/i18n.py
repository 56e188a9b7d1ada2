"""The pages' language (Flask-Babel catalogues) and the organisation's branding on every page."""
from importlib.resources import files

from flask import current_app, g, request, session, url_for
from flask_babel import Babel, get_locale

from chassis.branding import Branding
from chassis.branding_web import install_branding
from chassis.privacy.wording import kept_for

LANGUAGES = {"en": "English", "cy": "Cymraeg"}
TRANSLATIONS = str(files("ingest_svc") / "translations")


def choose_language() -> str:
    """A switch the person pressed (?lang=), their earlier choice, the invitation's, the browser's."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    if g.get("invitation_lang") in LANGUAGES:
        return g.invitation_lang
    # No invitation to go by (an unrecognised link): the browser's preference.
    return request.accept_languages.best_match(LANGUAGES) or "en"


def remember_language() -> None:
    if request.args.get("lang") in LANGUAGES:
        session["lang"] = request.args["lang"]


def page_context() -> dict:
    """What base.html needs: the language, its switch and the branding in that language."""
    lang = str(get_locale() or "en")
    # The invitation's organisation's section (#17), set from its link; the top level otherwise.
    org = g.get("organisation")
    top: Branding = current_app.extensions["branding"]
    branding = top.for_organisation(org)
    other = "en" if lang == "cy" else "cy"
    period = current_app.config["SETTINGS"].longest_personal_period
    return {"lang": lang, "brand": branding.in_language(lang),
            "brand_org": org if org in top.organisations else None,
            "brand_logo": bool(branding.logo), "brand_logo_alt": branding.text("logo_alt", lang),
            "kept_for": kept_for(period, lang),
            "switch": {"lang": other, "name": LANGUAGES[other],
                       "href": f"{request.path}?lang={other}"}}


def install(app, branding: Branding | None = None) -> None:
    """Babel, the branding (checked: a bad file stops start-up) and its stylesheet and logo."""
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = TRANSLATIONS
    Babel(app, locale_selector=choose_language)
    # The organisation's own (<templates_dir>/pages/) first, the packaged ones as the fallback.
    install_branding(app, branding, url_prefix="/s/brand", endpoint="brand", templates="pages")
    app.context_processor(lambda: page_context() if request.blueprint == "pages" else {})
    app.before_request(remember_language)


def brand_urls() -> dict:
    return {"css": url_for("brand_css"), "logo": url_for("brand_logo")}
