"""Read and change survey policy; every change is audited.

Three levels, the most specific winning per field: the defaults ('*'), an organisation's
overrides, a directorate's. A ticket's organisation is the one it names, else the one its
directorate belongs to (`organisation_of`, from the branding file's [organisations.<id>]
directorates), else none: then the defaults and the directorate's, as before.
"""
import logging

from survey_svc.domain.commands import SetOrganisationPolicy, SetPolicy
from survey_svc.domain.policy import GLOBAL, Policy, PolicyInvalid, layered

log = logging.getLogger(__name__)


def _stored(overrides: dict) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in overrides.items()}


def current_policy(uow, directorate: str, organisation: str | None = None) -> Policy:
    """The defaults, then the organisation's, then the directorate's overrides."""
    defaults = uow.policies.get(GLOBAL) or {}
    own = (uow.policies.get(directorate) or {}) if directorate != GLOBAL else {}
    if organisation:
        try:
            return layered(defaults, uow.organisation_policies.get(organisation), own)
        except PolicyInvalid as err:
            # A ticket naming an organisation its directorate's checks did not foresee: decide
            # on the defaults and the directorate's, both checked when set, rather than fail.
            log.warning("policy of %r in %r is inconsistent (%s): organisation level skipped",
                        directorate, organisation, err.problems)
    return layered(defaults, own)


def set_policy(cmd: SetPolicy, uow, clock, organisation_of=None) -> Policy:
    """Merge the changes into the directorate's overrides; raises PolicyInvalid."""
    directorate, changes, who = cmd.directorate, cmd.changes, cmd.who
    with uow:
        overrides = {**(uow.policies.get(directorate) or {}), **changes}
        if directorate == GLOBAL:
            policy = layered(overrides)  # validates the merged result
        else:
            organisation = organisation_of(directorate) if organisation_of else None
            org = uow.organisation_policies.get(organisation) if organisation else None
            policy = layered(uow.policies.get(GLOBAL), org, overrides)
        uow.policies.put(directorate, _stored(overrides), who, clock.now())
        uow.commit()
    return policy


def set_organisation_policy(cmd: SetOrganisationPolicy, uow, clock,
                            organisation_of=None) -> Policy:
    """Merge the changes into the organisation's overrides; raises PolicyInvalid, also when a
    directorate of that organisation would be left inconsistent."""
    with uow:
        overrides = {**(uow.organisation_policies.get(cmd.organisation) or {}), **cmd.changes}
        defaults = uow.policies.get(GLOBAL)
        policy = layered(defaults, overrides)
        for directorate, own in sorted(uow.policies.all().items()):
            if directorate != GLOBAL and organisation_of and \
                    organisation_of(directorate) == cmd.organisation:
                try:
                    layered(defaults, overrides, own)
                except PolicyInvalid as err:
                    raise PolicyInvalid({field: [f"With directorate {directorate!r}'s overrides: "
                                                 f"{' '.join(messages)}"]
                                         for field, messages in err.problems.items()}) from None
        uow.organisation_policies.put(cmd.organisation, _stored(overrides), cmd.who, clock.now())
        uow.commit()
    return policy


def policy_view(uow, directorate: str, organisation: str | None = None) -> dict:
    """The directorate's effective policy (within the organisation, if given) and its own
    overrides."""
    with uow:
        view = {"directorate": directorate,
                "effective": current_policy(uow, directorate, organisation).to_dict(),
                "overrides": uow.policies.get(directorate) or {}}
        if organisation:
            view["organisation"] = organisation
            view["organisation_overrides"] = uow.organisation_policies.get(organisation) or {}
        return view


def organisation_policy_view(uow, organisation: str) -> dict:
    """The organisation's effective policy (for a directorate without overrides) and its own."""
    with uow:
        return {"organisation": organisation,
                "effective": layered(uow.policies.get(GLOBAL),
                                     uow.organisation_policies.get(organisation)).to_dict(),
                "overrides": uow.organisation_policies.get(organisation) or {}}


def policy_audit(uow, directorate: str) -> list[dict]:
    with uow:
        return uow.policies.audit(directorate)


def organisation_policy_audit(uow, organisation: str) -> list[dict]:
    with uow:
        return uow.organisation_policies.audit(organisation)
