"""Admin API of the organisation structure (#17): organisations, nodes, reorganisations,
unknown names and their aliases. The admin token only. A malformed body is a 400, an unknown
node or organisation a 404, a change the structure refuses a 409: each names its fields."""
from datetime import date

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE

from chassis.auth import require_admin

from analysis_svc.adapters.structure_repository import load_structure
from analysis_svc.domain import structure_commands as commands
from analysis_svc.domain.structure import StructureError, UnknownReference
from analysis_svc.entrypoints.api.auth import bus
from analysis_svc.entrypoints.api.benchmark_schemas import OrganisationSharingSchema, SharingIn
from analysis_svc.entrypoints.api.structure_schemas import (AliasIn, CreatedSchema, NodeIn,
                                                            OrganisationIn, ReorganisationIn,
                                                            StructureSchema, UnknownNameSchema)
from analysis_svc.read_model.structure_admin import unknown_names

blp = Blueprint("structure", __name__, url_prefix="/v1",
                description="Organisations, their structure and reorganisations (admin)")
SECURITY = [{"bearerAuth": []}]
UNKNOWN = "A node or organisation it names does not exist (errors name the fields)."
REFUSED = "It conflicts with the structure: a name taken, a split rule that does not cover, " \
          "dates reversed (errors name the fields)."


@blp.before_request
def admin_only():
    require_admin(bus().settings.admin_token, "analysis-svc")


def _handle(command):
    try:
        return bus().handle(command)
    except UnknownReference as err:  # 404 and 409: the body was well formed, its content not
        abort(404, message="No such node or organisation.", messages={"json": err.errors})
    except StructureError as err:
        abort(409, message="The structure refused this change.", messages={"json": err.errors})


@blp.route("/organisations")
class Organisations(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, StructureSchema)
    def get(self):
        """Every organisation with its nodes (dated names, aliases) and every reorganisation."""
        with bus().sessions() as session:
            return _structure_json(load_structure(session), bus().clock.now().date())

    @blp.doc(security=SECURITY)
    @blp.arguments(OrganisationIn, unknown=RAISE)
    @blp.alt_response(404, description=UNKNOWN)
    @blp.alt_response(409, description=REFUSED)
    @blp.response(201, CreatedSchema)
    def post(self, args):
        """Add an organisation (a council); its id is made from the name unless given."""
        return {"id": _handle(commands.AddOrganisation(args["name"], args.get("id")))}


@blp.route("/organisations/<org_id>")
class OrganisationSharing(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(SharingIn, unknown=RAISE)
    @blp.alt_response(404, description=UNKNOWN)
    @blp.response(200, OrganisationSharingSchema)
    def patch(self, args, org_id):
        """Opt an organisation in (or out) of showing its named figures in /v1/benchmarks."""
        return _handle(commands.SetSharing(org_id, args["share_named"]))


@blp.route("/nodes")
class Nodes(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(NodeIn, unknown=RAISE)
    @blp.alt_response(404, description=UNKNOWN)
    @blp.alt_response(409, description=REFUSED)
    @blp.response(201, CreatedSchema)
    def post(self, args):
        """Add a directorate (or a service under one) with its name, dates and aliases."""
        return {"id": _handle(commands.AddNode(
            args["organisation"], args["name"], args["kind"], args.get("parent"), args.get("id"),
            args.get("valid_from"), args.get("valid_to"), tuple(args.get("aliases", ()))))}


@blp.route("/reorganisations")
class Reorganisations(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(ReorganisationIn, unknown=RAISE)
    @blp.alt_response(404, description=UNKNOWN)
    @blp.alt_response(409, description=REFUSED)
    @blp.response(201, CreatedSchema)
    def post(self, args):
        """Record a rename, merge, split or move from its effective day; the "as it is now"
        views regroup the stored figures at once (nothing is replayed)."""
        change_id = _handle(commands.RecordReorganisation(
            args["kind"], args["effective"], tuple(args["sources"]), tuple(args.get("targets", ())),
            args.get("rule"), args.get("name"), args.get("organisation"), args.get("label", "")))
        return {"id": str(change_id)}


@blp.route("/unknown-names")
class UnknownNames(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, UnknownNameSchema(many=True))
    def get(self):
        """Directorate names answers arrived under that no node or alias resolves (kept in the
        figures under their own name until mapped)."""
        bus().handle(commands.ScanUnknownNames())
        with bus().sessions() as session:
            return unknown_names(session)


@blp.route("/aliases")
class Aliases(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(AliasIn, unknown=RAISE)
    @blp.alt_response(404, description=UNKNOWN)
    @blp.alt_response(409, description=REFUSED)
    @blp.response(200, UnknownNameSchema(many=True))
    def post(self, args):
        """Map a name to a directorate node: its answers count there from now on, past ones too.
        Answers the unknown names still left."""
        _handle(commands.MapAlias(args["name"], args["node"]))
        with bus().sessions() as session:
            return unknown_names(session)


def _structure_json(structure, today: date) -> dict:
    aliases: dict[str, list[str]] = {}
    for alias, node in structure.aliases.items():
        aliases.setdefault(node, []).append(alias)
    orgs = []
    for org in sorted(structure.organisations.values(), key=lambda o: o.name):
        nodes = [{"id": n.id, "organisation": n.organisation, "kind": n.kind, "parent": n.parent,
                  "name": n.name_at(today), "aliases": sorted(aliases.get(n.id, [])),
                  "names": [{"name": x.name, "valid_from": x.valid_from, "valid_to": x.valid_to}
                            for x in n.names]}
                 for n in structure.nodes.values() if n.organisation == org.id]
        orgs.append({"id": org.id, "name": org.name, "share_named": org.share_named,
                     "nodes": sorted(nodes, key=lambda n: n["id"])})
    changes = [{"id": c.id, "kind": c.kind, "effective": c.effective, "sources": list(c.sources),
                "targets": list(c.targets), "rule": c.rule.as_json() if c.rule else None,
                "name": c.name, "organisation": c.organisation, "label": c.label}
               for c in structure.changes]
    return {"organisations": orgs, "reorganisations": changes}


