"""Read and change survey policy; every change is audited."""
from survey_svc.domain.commands import SetPolicy
from survey_svc.domain.policy import GLOBAL, Policy, effective


def current_policy(uow, directorate: str) -> Policy:
    defaults = effective(Policy(), uow.policies.get(GLOBAL) or {})
    return effective(defaults, uow.policies.get(directorate) or {})


def set_policy(cmd: SetPolicy, uow, clock) -> Policy:
    """Merge the changes into the directorate's overrides; raises PolicyInvalid."""
    directorate, changes, who = cmd.directorate, cmd.changes, cmd.who
    with uow:
        overrides = {**(uow.policies.get(directorate) or {}), **changes}
        base = Policy() if directorate == GLOBAL else current_policy(uow, GLOBAL)
        policy = effective(base, overrides)  # validates the merged result
        stored = {k: list(v) if isinstance(v, tuple) else v for k, v in overrides.items()}
        uow.policies.put(directorate, stored, who, clock.now())
        uow.commit()
    return policy


def policy_view(uow, directorate: str) -> dict:
    """The directorate's effective policy and its own overrides."""
    with uow:
        return {"directorate": directorate,
                "effective": current_policy(uow, directorate).to_dict(),
                "overrides": uow.policies.get(directorate) or {}}


def policy_audit(uow, directorate: str) -> list[dict]:
    with uow:
        return uow.policies.audit(directorate)
