"""Schemas of the benchmarking view (#17) and of an organisation's sharing choice."""
from marshmallow import RAISE, Schema, fields, validate

from analysis_svc.domain.benchmarks import MIN_ANSWERS, MIN_PEERS
from analysis_svc.entrypoints.api.schemas import NAME, WholeNumber, day
from analysis_svc.entrypoints.api.structure_schemas import ID, ID_DOC
from analysis_svc.read_model.benchmarks import DEFAULT_MONTHS

CSAT = "Share of answers scoring 4 or 5 (0..1), as in the other feeds."


class BenchmarkArgs(Schema):
    class Meta:
        unknown = RAISE

    organisation = fields.String(validate=ID, metadata={
        "description": "One of your organisations (admin: any; default: every one).", **ID_DOC})
    service = fields.String(validate=NAME)
    start = day("First day (default: `months` months up to `to`)", data_key="from")
    end = day("Last day (default: the latest month with answers)", data_key="to")
    months = WholeNumber(load_default=DEFAULT_MONTHS, validate=validate.Range(min=1, max=60),
                         metadata={"description": "Months in the window when `from` is not given."})


class NamedPeerSchema(Schema):
    organisation = fields.String()
    name = fields.String()
    responses = fields.Integer()
    csat = fields.Float()


class BenchmarkRowSchema(Schema):
    organisation = fields.String()
    organisation_name = fields.String()
    service = fields.String()
    period_from = fields.String(metadata={"description": "First month of the window."})
    period_to = fields.String()
    responses = fields.Integer(allow_none=True, metadata={
        "description": f"Your answers; null when suppressed (under {MIN_ANSWERS})."})
    csat = fields.Float(allow_none=True, metadata={"description": CSAT})
    suppressed = fields.Boolean(metadata={
        "description": f"Your cell has under {MIN_ANSWERS} answers: no figure shown."})
    peers = fields.Integer(metadata={"description": "Other organisations with at least "
                                                    f"{MIN_ANSWERS} answers to this service."})
    peer_q1 = fields.Float(allow_none=True)
    peer_median = fields.Float(allow_none=True)
    peer_q3 = fields.Float(allow_none=True)
    peer_suppressed = fields.Boolean(metadata={
        "description": f"Under {MIN_PEERS} peers: no peer statistic (one peer could be read off)."})
    named_peers = fields.List(fields.Nested(NamedPeerSchema), metadata={
        "description": "Peers that opted in to be named (never while 1 or 2 un-named peers sit "
                       "beside the statistics)."})


class JsonBoolean(fields.Boolean):
    """JSON true or false only: marshmallow's Boolean also takes 0, 1 and "yes", which the
    documented boolean does not."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class SharingIn(Schema):
    class Meta:
        unknown = RAISE

    share_named = JsonBoolean(required=True, metadata={
        "description": "Show this organisation's named figures to its peers in /v1/benchmarks."})


class OrganisationSharingSchema(Schema):
    id = fields.String()
    name = fields.String()
    share_named = fields.Boolean()
