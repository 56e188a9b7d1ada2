"""Read and change survey policy; every change is audited."""
from survey_svc.domain.policy import GLOBAL, Policy, effective


def current_policy(uow, directorate: str) -> Policy:
    defaults = effective(Policy(), uow.policies.get(GLOBAL) or {})
    return effective(defaults, uow.policies.get(directorate) or {})


def set_policy(uow, clock, directorate: str, changes: dict, who: str) -> Policy:
    """Merge `changes` into the directorate's overrides; raises PolicyInvalid."""
    with uow:
        overrides = {**(uow.policies.get(directorate) or {}), **changes}
        base = Policy() if directorate == GLOBAL else current_policy(uow, GLOBAL)
        policy = effective(base, overrides)  # validates the merged result
        stored = {k: list(v) if isinstance(v, tuple) else v for k, v in overrides.items()}
        uow.policies.put(directorate, stored, who, clock.now())
        uow.commit()
    return policy
