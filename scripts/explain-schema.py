#!/usr/bin/env python3
"""Generates src/term/kubectl/explain-schema.txt, the API schema `kubectl explain` reads.

Rerun (after changing the type list below, the overlay, or the k8s-openapi version):

    python3 scripts/explain-schema.py > src/term/kubectl/explain-schema.txt

Source: k8s-openapi 0.29's generated v1.33 sources in the cargo registry
(~/.cargo/registry/src/*/k8s-openapi-0.29.0/src/v1_33/...). Each struct's doc comment is the
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

# The types whose fields explain lists: (key, source file). A field whose type is not here is
# still listed with its type name and description, but explain does not go into it.
TYPES = {
    # Services and their endpoints
    "Service": "api/core/v1/service.rs",
    "ServiceSpec": "api/core/v1/service_spec.rs",
    "ServicePort": "api/core/v1/service_port.rs",
    "ServiceStatus": "api/core/v1/service_status.rs",
    "LoadBalancerStatus": "api/core/v1/load_balancer_status.rs",
    "LoadBalancerIngress": "api/core/v1/load_balancer_ingress.rs",
    "PortStatus": "api/core/v1/port_status.rs",
    "SessionAffinityConfig": "api/core/v1/session_affinity_config.rs",
    "ClientIPConfig": "api/core/v1/client_ip_config.rs",
    "Endpoints": "api/core/v1/endpoints.rs",
    "EndpointSubset": "api/core/v1/endpoint_subset.rs",
    "EndpointAddress": "api/core/v1/endpoint_address.rs",
    "EndpointPort": "api/core/v1/endpoint_port.rs",
    "ObjectReference": "api/core/v1/object_reference.rs",
    "EndpointSlice": "api/discovery/v1/endpoint_slice.rs",
    "Endpoint": "api/discovery/v1/endpoint.rs",
    "EndpointConditions": "api/discovery/v1/endpoint_conditions.rs",
    "EndpointHints": "api/discovery/v1/endpoint_hints.rs",
    "ForZone": "api/discovery/v1/for_zone.rs",
    "ForNode": "api/discovery/v1/for_node.rs",
    "discovery.EndpointPort": "api/discovery/v1/endpoint_port.rs",
    # Pods
    "Pod": "api/core/v1/pod.rs",
    "PodSpec": "api/core/v1/pod_spec.rs",
    "Container": "api/core/v1/container.rs",
    "ContainerPort": "api/core/v1/container_port.rs",
    "Probe": "api/core/v1/probe.rs",
    "HTTPGetAction": "api/core/v1/http_get_action.rs",
    "HTTPHeader": "api/core/v1/http_header.rs",
    "TCPSocketAction": "api/core/v1/tcp_socket_action.rs",
    "ExecAction": "api/core/v1/exec_action.rs",
    "GRPCAction": "api/core/v1/grpc_action.rs",
    "EnvVar": "api/core/v1/env_var.rs",
    "ResourceRequirements": "api/core/v1/resource_requirements.rs",
    "ResourceClaim": "api/core/v1/resource_claim.rs",
    "PodStatus": "api/core/v1/pod_status.rs",
    "PodCondition": "api/core/v1/pod_condition.rs",
    "ContainerStatus": "api/core/v1/container_status.rs",
    "PodIP": "api/core/v1/pod_ip.rs",
    "HostIP": "api/core/v1/host_ip.rs",
    "PodTemplateSpec": "api/core/v1/pod_template_spec.rs",
    # Deployments
    "Deployment": "api/apps/v1/deployment.rs",
    "DeploymentSpec": "api/apps/v1/deployment_spec.rs",
    "DeploymentStrategy": "api/apps/v1/deployment_strategy.rs",
    "RollingUpdateDeployment": "api/apps/v1/rolling_update_deployment.rs",
    "DeploymentStatus": "api/apps/v1/deployment_status.rs",
    "DeploymentCondition": "api/apps/v1/deployment_condition.rs",
    # meta/v1 and the special types
    "ObjectMeta": "apimachinery/pkg/apis/meta/v1/object_meta.rs",
    "OwnerReference": "apimachinery/pkg/apis/meta/v1/owner_reference.rs",
    "LabelSelector": "apimachinery/pkg/apis/meta/v1/label_selector.rs",
    "LabelSelectorRequirement": "apimachinery/pkg/apis/meta/v1/label_selector_requirement.rs",
    "Condition": "apimachinery/pkg/apis/meta/v1/condition.rs",
    "Time": "apimachinery/pkg/apis/meta/v1/time.rs",
    "IntOrString": "apimachinery/pkg/util/intstr/int_or_string.rs",
    "Quantity": "apimachinery/pkg/api/resource/quantity.rs",
}

# Rust paths of the types above, so a field's type finds its key.
def rust_path(key, file):
    name = key.split(".")[-1]
    module = "::".join(file[: -len(".rs")].split("/")[:-1])
    return f"crate::{module}::{name}"

KEY_OF = {rust_path(k, f): k for k, f in TYPES.items()}
# Types explain shows as `string` (their schema's type is string), keeping the ref for the
# type's own description, as the template's description walk does.
STRING_REFS = {"Time"}


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
                enums[cur] = (line.split(), [])
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
