#!/usr/bin/env python3
"""Checks kubeplay's `kubectl explain` against the real kubectl v1.33 client.

Serves src/term/kubectl/explain-schema.txt as the OpenAPI v3 documents of a v1.33 API server
(allOf-wrapped references, IntOrString and Quantity as oneOf, Time and MicroTime as strings;
discovery for the kinds of src/api/kinds.rs) on a local port, runs the real `kubectl explain`
for every kind (and --recursive), every field of every type the file holds, and missing
fields, writes the answers as a transcript and replays it:

    cargo build --release --bin replay
    python3 scripts/explain-check.py [KUBECTL] [REPLAY]
    python3 scripts/explain-check.py --print 'ingress' 'pod.spec.affinity --recursive'

KUBECTL defaults to /usr/lib/google-cloud-sdk/bin/kubectl.1.33, REPLAY to
$CARGO_TARGET_DIR/release/replay. It prints replay's verdict (a diff per mismatch); with
--print it only prints the real client's answers for the given paths (transcript blocks). What it
checks is the rendering (plaintext.tmpl, wrapping, types, enums, errors) of the data the
playground holds; the data's own source is scripts/explain-schema.py.
"""
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "..", "src", "term", "kubectl", "explain-schema.txt")
# `--print PATH...`: only print the real client's answers for these paths, as transcript blocks.
PRINT = sys.argv[2:] if sys.argv[1:2] == ["--print"] else None
ARGS = [] if PRINT is not None else sys.argv[1:]
KUBECTL = ARGS[0] if len(ARGS) > 0 else "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"
REPLAY = ARGS[1] if len(ARGS) > 1 else os.path.join(
    os.environ.get("CARGO_TARGET_DIR", os.path.join(HERE, "..", "target")), "release", "replay")
KINDS = os.path.join(HERE, "..", "src", "api", "kinds.rs")


def served_kinds():
    """kind: (group, version, resource, name used on the command line) of every row of
    src/api/kinds.rs's RESOURCE_TYPES (its first short name, else its singular)."""
    text = open(KINDS).read()
    text = text[text.index("pub static RESOURCE_TYPES"):]
    text = text[: text.index("];")]
    out = {}
    for m in re.finditer(r'rt!\(\s*"(\w+)",\s*"([\w.]+)",\s*"(\w*)",\s*\[([^\]]*)\],\s*"([^"]*)",\s*"(\w+)"', text):
        kind, plural, singular, shorts, group, version = m.groups()
        shorts = re.findall(r'"(\w+)"', shorts)
        out[kind] = (group, version, plural, shorts[0] if shorts else singular)
    return out


# kind: (group, version, resource, short name used on the command line)
ROOTS = served_kinds()
PRIMITIVE = ("string", "integer", "boolean", "number")


def read_schema():
    types, descs, cur = {}, [], None
    for line in open(SCHEMA).read().split("\n"):
        if line.startswith("T"):
            key, d = line[1:].split("\t")
            cur = key
            types[key] = (int(d), [])
        elif line.startswith("F"):
            types[cur][1].append(line[1:].split("\t"))
        elif line.startswith("D"):
            descs.append(line[1:].replace("\\n", "\n").replace("\\t", "\t"))
    return types, descs


def documents(types, descs):
    schemas = {}

    def ref(key):
        return "#/components/schemas/x." + key

    def elem(ty, target, in_map):
        if ty in PRIMITIVE and not target:
            return {"type": ty, "default": ""}
        if not target:
            target = "cut." + ty
            schemas.setdefault("x." + target, {"type": "object"})
        return {"$ref": ref(target)} if in_map else {"allOf": [{"$ref": ref(target)}], "default": {}}

    for key, (d, fields) in types.items():
        sch = {"description": descs[d]} if descs[d] else {}
        if key == "IntOrString":
            sch.update({"format": "int-or-string", "oneOf": [{"type": "integer"}, {"type": "string"}]})
        elif key == "Quantity":
            sch["oneOf"] = [{"type": "string"}, {"type": "number"}]
        elif key in ("Time", "MicroTime"):
            sch.update({"format": "date-time", "type": "string"})
        else:
            props, required = {}, []
            for name, ty, target, req, fd, values in fields:
                if ty.startswith("[]"):
                    p = {"type": "array", "items": elem(ty[2:], target, False)}
                elif ty.startswith("map[string]"):
                    p = {"type": "object", "additionalProperties": elem(ty[11:], target, True)}
                elif target or ty not in PRIMITIVE:
                    p = elem(ty, target, False)
                    p.pop("default")
                else:
                    p = {"type": ty}
                if descs[int(fd)]:
                    p["description"] = descs[int(fd)]
                if values:
                    p["enum"] = values.split(",")
                props[name] = p
                if req == "1":
                    required.append(name)
            sch["type"] = "object"
            if props:
                sch["properties"] = props
            if required:
                sch["required"] = required
        if key in ROOTS:
            g, v = ROOTS[key][:2]
            sch["x-kubernetes-group-version-kind"] = [{"group": g, "kind": key, "version": v}]
        schemas["x." + key] = sch
    docs = {}
    for kind, (g, v, plural, _) in ROOTS.items():
        gv = f"apis/{g}/{v}" if g else "api/v1"
        doc = docs.setdefault(gv, {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.33.0"},
                                   "paths": {}, "components": {"schemas": schemas}})
        gvk = {"group": g, "kind": kind, "version": v}
        doc["paths"][f"/{gv}/namespaces/{{namespace}}/{plural}"] = {"get": {"x-kubernetes-group-version-kind": gvk}}
    return {k: json.dumps(v) for k, v in docs.items()}


def serve(docs):
    def resources(gv):
        return [{"name": plural, "singularName": "", "namespaced": True, "kind": kind, "verbs": ["get", "list"],
                 "shortNames": [short] if short != plural and short != kind.lower() else []}
                for kind, (g, v, plural, short) in ROOTS.items() if (f"apis/{g}/{v}" if g else "api/v1") == gv]

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, body):
            data = (body if isinstance(body, str) else json.dumps(body)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            path = self.path.split("?")[0].lstrip("/")
            if path == "api":
                return self.reply({"kind": "APIVersions", "versions": ["v1"]})
            if path == "apis":
                groups = [{"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v}],
                           "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v}}
                          for (g, v, _, _) in ROOTS.values() if g]
                return self.reply({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
            if path in docs:
                gv = path[5:] if path.startswith("apis/") else "v1"
                return self.reply({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv,
                                   "resources": resources(path)})
            if path == "openapi/v3":
                return self.reply({"paths": {k: {"serverRelativeURL": f"/openapi/v3/{k}?hash=0"} for k in docs}})
            if path.startswith("openapi/v3/") and path[11:] in docs:
                return self.reply(docs[path[11:]])
            self.send_response(404)
            self.end_headers()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def paths(types):
    """Each kind and its --recursive tree, then every field of every type once, under the
    first path that reaches the type (a field prints the same under any path)."""
    out, entered = [], set()

    def walk(key, prefix):
        for f in types[key][1]:
            p = prefix + "." + f[0]
            out.append(p)
            if f[2] in types and types[f[2]][1] and f[2] not in entered:
                entered.add(f[2])
                walk(f[2], p)

    for kind, (_, _, _, short) in ROOTS.items():
        out += [short, short + " --recursive"]
    for kind, (_, _, _, short) in ROOTS.items():
        entered.add(kind)
        walk(kind, short)
    out += ["svc.spec.nope", "svc.nope.type", "svc.spec.type.foo", "pod.spec.containers.ports.nope",
            "svc.spec.ports --recursive", "deployment.spec --recursive", "pod.spec.affinity --recursive",
            "cronjob.spec --recursive", "ingress.spec --recursive"]
    return out


def main():
    types, descs = read_schema()
    server = serve(documents(types, descs))
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "kubeconfig")
        open(config, "w").write(
            "apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: \"http://127.0.0.1:%d\"}\n  name: c\n"
            "contexts:\n- context: {cluster: c, user: u}\n  name: c\ncurrent-context: c\nusers:\n- name: u\n  user: {}\n"
            % server.server_address[1])
        transcript = ["# kubectl explain as the real kubectl prints the playground's schema (scripts/explain-check.py)."]
        for p in PRINT if PRINT is not None else paths(types):
            run = subprocess.run([KUBECTL, "--kubeconfig", config, "explain", *p.split()],
                                 capture_output=True, text=True)
            lines = [l.rstrip() for l in (run.stdout + run.stderr).split("\n")]
            while lines and not lines[-1]:
                lines.pop()
            transcript += ["$ kubectl explain " + p, *lines, "", "# ."]
        if PRINT is not None:
            print("\n".join(transcript[1:]))
            return
        file = os.path.join(tmp, "explain-check.txt")
        open(file, "w").write("\n".join(transcript) + "\n")
        sys.exit(subprocess.run([REPLAY, file]).returncode)


main()
