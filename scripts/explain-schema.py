#!/usr/bin/env python3
"""Generates src/term/kubectl/explain-schema.txt, the API schema `kubectl explain` reads.

Rerun (after changing the kinds below, the overlay, or the k8s-openapi version):

    python3 scripts/explain-schema.py > src/term/kubectl/explain-schema.txt

Source: k8s-openapi 0.29's generated v1.33 sources in the cargo registry
(~/.cargo/registry/src/*/k8s-openapi-0.29.0/src/v1_33/...). The types are the kinds of
src/api/kinds.rs (ROOTS) and every type their fields reach. Each struct's doc comment is the
type's OpenAPI description, each field's doc comment its description; a field's Rust type gives
the type kubectl's plaintext template prints (typeGuess): `<string>`, `<integer>`, `<boolean>`,
`<[]T>`, `<map[string]T>`, a type name for an object, `<IntOrString>`/`<Quantity>` (their
schemas have no `type`, only oneOf), `<string>` for Time/MicroTime (type string); a field that
is not an `Option` is in the schema's `required` list (except `metadata`, which k8s-openapi makes
non-optional but the spec does not require). The doc comments carry the generator's markdown
escapes (`\\<`, `\\>`, `\\[`, `\\]`, `\\\\`), undone here so the text is the API server's.

k8s-openapi drops each enum field's `enum` values and the "Possible enum values:" paragraph the
API server appends to its description, so scripts/explain-schema-overlay.txt adds them; and it
rewrites Quantity's description (its ``` code fence and tab indents become spaces), which
`spec_quantity` puts back as the spec words it.

Output format, one record a line:
  T<key>\t<desc>            a type (key: Kind name, or group.Kind where two groups share one)
  F<name>\t<type>\t<ref>\t<req>\t<desc>\t<enum,values>   a field of the type above it
  D<text>                   the descriptions, numbered from 0 in order; newlines as \\n, tabs as \\t
Each description is stored once, however many fields and types share it.
"""
import glob
import os
import re
import sys

ROOT = glob.glob(os.path.expanduser("~/.cargo/registry/src/*/k8s-openapi-0.29.0/src/v1_33"))[0]
HERE = os.path.dirname(os.path.abspath(__file__))

# The kinds kubeplay's resource table (src/api/kinds.rs RESOURCE_TYPES) serves, in its order
# (core group first): explain's roots. Every type their fields reach is added below, down to
# the leaves, so explain goes into any field a real API server's schema has.
ROOTS = [
    "api/core/v1/binding.rs",
    "api/core/v1/component_status.rs",
    "api/core/v1/config_map.rs",
    "api/core/v1/endpoints.rs",
    "api/core/v1/event.rs",
    "api/core/v1/limit_range.rs",
    "api/core/v1/namespace.rs",
    "api/core/v1/node.rs",
    "api/core/v1/persistent_volume_claim.rs",
    "api/core/v1/persistent_volume.rs",
    "api/core/v1/pod.rs",
    "api/core/v1/pod_template.rs",
    "api/core/v1/replication_controller.rs",
    "api/core/v1/resource_quota.rs",
    "api/core/v1/secret.rs",
    "api/core/v1/service_account.rs",
    "api/core/v1/service.rs",
    "api/apps/v1/controller_revision.rs",
    "api/apps/v1/daemon_set.rs",
    "api/apps/v1/deployment.rs",
    "api/apps/v1/replica_set.rs",
    "api/apps/v1/stateful_set.rs",
    "api/autoscaling/v2/horizontal_pod_autoscaler.rs",
    "api/batch/v1/cron_job.rs",
    "api/batch/v1/job.rs",
    "api/discovery/v1/endpoint_slice.rs",
    "api/networking/v1/ip_address.rs",
    "api/networking/v1/ingress_class.rs",
    "api/networking/v1/ingress.rs",
    "api/networking/v1/network_policy.rs",
    "api/networking/v1/service_cidr.rs",
    "api/policy/v1/pod_disruption_budget.rs",
    "api/rbac/v1/cluster_role_binding.rs",
    "api/rbac/v1/cluster_role.rs",
    "api/rbac/v1/role_binding.rs",
    "api/rbac/v1/role.rs",
    "api/storage/v1/storage_class.rs",
]


def struct_files():
    """{Rust path: source file} of every type in the v1_33 tree."""
    out = {}
    for path in glob.glob(os.path.join(ROOT, "**", "*.rs"), recursive=True):
        file = os.path.relpath(path, ROOT)
        for name in re.findall(r"^pub (?:struct|enum) (\w+)", open(path).read(), re.M):
            module = "::".join(file[: -len(".rs")].split("/")[:-1])
            out[f"crate::{module}::{name}"] = file
    return out


def closure():
    """(key, source file) of the roots and every type their fields reach, breadth first. A
    type's key is its name, or group.Name when a type met earlier has that name (core first:
    discovery.EndpointPort)."""
    files = struct_files()
    by_file = {}
    for p, f in files.items():
        by_file.setdefault(f, []).append(p)
    queue = []
    for f in ROOTS:
        name = "".join(w.capitalize() for w in os.path.basename(f)[:-3].split("_"))
        path = [p for p in by_file[f] if p.split("::")[-1].lower() == name.lower()]
        queue.append(path[0])
    order, seen = [], set()
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        order.append(path)
        src = open(os.path.join(ROOT, files[path])).read()
        body = re.split(r"\npub (?:struct|enum) ", src, 1)[1].split("\n}", 1)[0]
        for t in re.findall(r"crate::(?:api|apimachinery)::[\w:]+", body):
            if t in files and t not in seen:
                queue.append(t)
    # A name two groups share is the core group's (else the first met); the other is group.Name.
    order.sort(key=lambda p: "::api::core::" not in p)
    types, keys = {}, {}
    for path in order:
        name = path.split("::")[-1]
        key = name if name not in types else path.split("::")[-3] + "." + name
        keys[path] = key
        types[key] = files[path]
    return types, keys


TYPES, KEY_OF = closure()
# Types explain shows as `string` (their schema's type is string), keeping the ref for the
# type's own description, as the template's description walk does.
STRING_REFS = {"Time", "MicroTime"}


def unescape(text):
    return re.sub(r"\\([\\<>\[\]])", r"\1", text)


def doc(lines):
    return unescape("\n".join(l.strip()[4:] if l.strip() != "///" else "" for l in lines))


def parse(file):
    src = open(os.path.join(ROOT, file)).read().split("\n")
    i = 0
    pending = []
    type_doc = None
    fields = []
    while i < len(src):
        line = src[i]
        s = line.strip()
        if s.startswith("///"):
            pending.append(line)
        elif re.match(r"pub (struct|enum) \w+", s):
            type_doc = doc(pending)
            pending = []
            if s.endswith(";") or s.startswith("pub enum"):
                break
            i += 1
            while not src[i].startswith("}"):
                f = src[i].strip()
                if f.startswith("///"):
                    pending.append(f)
                else:
                    m = re.match(r"pub (\w+): (.*),$", f)
                    if m:
                        fields.append((m.group(1), m.group(2), doc(pending)))
                        pending = []
                i += 1
            break
        elif not s.startswith("#"):
            pending = []
        i += 1
    text = "\n".join(src)
    names = dict((rs, js) for js, rs in re.findall(r'"([^"]+)" => Field::Key_(\w+),', text))
    extra = {}
    for k in ("apiVersion", "kind"):
        m = re.search(r'"%s": \{\s*"description": "((?:[^"\\]|\\.)*)"' % k, text, re.S)
        if m and "impl crate::Resource for" in text:
            extra[k] = m.group(1).encode().decode("unicode_escape")
    return type_doc, fields, names, extra


def type_of(rust):
    """(printed type, ref key or '', required)."""
    required = True
    m = re.match(r"Option<(.*)>$", rust)
    if m:
        required = False
        rust = m.group(1)

    def inner(t):
        m = re.match(r"std::vec::Vec<(.*)>$", t)
        if m:
            p, r = inner(m.group(1))
            return "[]" + p, r
        m = re.match(r"std::collections::BTreeMap<std::string::String, (.*)>$", t)
        if m:
            p, r = inner(m.group(1))
            return "map[string]" + p, r
        prim = {
            "std::string::String": "string",
            "i32": "integer",
            "i64": "integer",
            "bool": "boolean",
            "f64": "number",
            "crate::ByteString": "string",
        }
        if t in prim:
            return prim[t], ""
        key = KEY_OF.get(t)
        name = t.split("::")[-1]
        if key in STRING_REFS:
            return "string", key
        return name, key or ""

    p, r = inner(rust)
    return p, r, required


def spec_quantity(d):
    """Quantity's description as the OpenAPI spec has it: k8s-openapi drops the ``` fence
    around the grammar and turns its tab indents into two spaces."""
    d = d.replace("is:\n\n <quantity>", "is:\n\n``` <quantity>", 1)
    d = d.replace("\n\n  (", "\n\n\t(")
    d = d.replace("<signedNumber>\n\nNo matter", "<signedNumber> ```\n\nNo matter", 1)
    assert d.count("```") == 2 and d.count("\t(") == 3, d
    return d


def overlay():
    """{key: (enum values, extra description)} and {type: description} from the overlay file."""
    enums, descs = {}, {}
    cur = None
    for line in open(os.path.join(HERE, "explain-schema-overlay.txt")):
        line = line.rstrip("\n")
        if line.startswith("#"):
            continue
        if line.startswith("="):
            cur = line[1:]
            continue
        if cur is None:
            continue
        if "." in cur and cur.rsplit(".", 1)[0] in TYPES:
            if cur not in enums:
                enums[cur] = (["" if v == '""' else v for v in line.split()], [])
            else:
                enums[cur][1].append(line)
        else:
            descs.setdefault(cur, []).append(line)
    return enums, {k: "\n".join(v) for k, v in descs.items()}


def main():
    enums, descs = overlay()
    table, index = [], {}

    def d(text):
        if text not in index:
            assert "\\n" not in text and "\\t" not in text, text
            index[text] = len(table)
            table.append(text)
        return index[text]

    used_enums = set()
    out = []
    for key, file in TYPES.items():
        type_doc, fields, names, extra = parse(file)
        type_doc = descs.get(key, type_doc)
        if key == "Quantity":
            type_doc = spec_quantity(type_doc)
        out.append(f"T{key}\t{d(type_doc)}")
        rows = []
        for k, v in extra.items():
            rows.append((k, "string", "", False, v, []))
        for rs, rt, fdoc in fields:
            name = names[rs]
            p, r, req = type_of(rt)
            if name == "metadata":
                req = False
            values = []
            e = enums.get(f"{key}.{name}")
            if e:
                used_enums.add(f"{key}.{name}")
                values, bullets = e
                fdoc = fdoc + "\n\nPossible enum values:\n" + "\n".join(bullets)
            rows.append((name, p, r, req, fdoc, values))
        for name, p, r, req, fdoc, values in sorted(rows):
            out.append(f"F{name}\t{p}\t{r}\t{int(req)}\t{d(fdoc)}\t{','.join(values)}")
    missing = (set(enums) - used_enums) | (set(descs) - set(TYPES))
    assert not missing, missing
    print("# Generated by scripts/explain-schema.py from k8s-openapi 0.29 (v1.33) and")
    print("# scripts/explain-schema-overlay.txt; do not edit.")
    print("\n".join(out))
    for text in table:
        print("D" + text.replace("\n", "\\n").replace("\t", "\\t"))


main()
