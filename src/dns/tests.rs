//! DNS records per the Kubernetes DNS spec (REFERENCE.md section 7) and the two client
//! behaviours: musl search/ndots and busybox nslookup's query list and output.

use super::*;
use crate::net::tests::setup;

const APPS: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: c
        image: nginx:1.27
        ports:
        - {name: http, containerPort: 80}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
---
apiVersion: v1
kind: Service
metadata:
  name: web-headless
spec:
  clusterIP: None
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: 80}
---
apiVersion: v1
kind: Service
metadata:
  name: ext
spec:
  type: ExternalName
  externalName: example.com
---
apiVersion: v1
kind: Service
metadata:
  name: empty-headless
spec:
  clusterIP: None
  selector: {app: nothing}
  ports:
  - {port: 80}
";

fn ips(r: &Reply) -> Vec<String> {
    r.addresses()
}

#[test]
fn service_records() {
    let (c, _) = setup(2, APPS);
    let svc_ip = match c.get("Service", "default", "web") {
        Some(Object::Service(s)) => s
            .spec
            .as_ref()
            .and_then(|x| x.cluster_ip.clone())
            .unwrap_or_default(),
        _ => panic!(),
    };
    let a = query(&c, "web.default.svc.cluster.local", RType::A);
    assert_eq!(
        (a.rcode, a.authoritative, ips(&a)),
        (Rcode::NoError, true, vec![svc_ip.clone()])
    );
    assert_eq!(a.answers[0].ttl, 30);
    // Case-insensitive match; the answer is owned by the name as asked.
    let upper = query(&c, "WEB.Default.svc.cluster.local.", RType::A);
    assert_eq!(ips(&upper), vec![svc_ip.clone()]);
    assert_eq!(upper.answers[0].name, "WEB.Default.svc.cluster.local");
    let aaaa = query(&c, "web.default.svc.cluster.local.", RType::Aaaa);
    assert_eq!(
        (aaaa.rcode, aaaa.answers.len()),
        (Rcode::NoError, 0),
        "NODATA for AAAA"
    );
    assert_eq!(
        query(&c, "nope.default.svc.cluster.local", RType::A).rcode,
        Rcode::NxDomain
    );
    assert_eq!(
        query(&c, "web.nons.svc.cluster.local", RType::A).rcode,
        Rcode::NxDomain
    );
    assert_eq!(
        query(&c, "nons.svc.cluster.local", RType::A).rcode,
        Rcode::NxDomain
    );
    assert_eq!(
        query(&c, "default.svc.cluster.local", RType::A).rcode,
        Rcode::NoError
    );
    // Default services.
    assert_eq!(
        ips(&query(&c, "kubernetes.default.svc.cluster.local", RType::A)),
        vec!["10.96.0.1"]
    );
    assert_eq!(
        ips(&query(
            &c,
            "kube-dns.kube-system.svc.cluster.local",
            RType::A
        )),
        vec!["10.96.0.10"]
    );
    // SRV for the named port: ClusterIP -> one record to the service name, weight 100.
    let srv = query(&c, "_http._tcp.web.default.svc.cluster.local", RType::Srv);
    assert_eq!(
        srv.answers[0].data,
        RData::Srv {
            priority: 0,
            weight: 100,
            port: 80,
            target: "web.default.svc.cluster.local".into()
        }
    );
    assert_eq!(
        query(&c, "_http._udp.web.default.svc.cluster.local", RType::Srv).rcode,
        Rcode::NxDomain
    );
    assert_eq!(
        query(&c, "_nope._tcp.web.default.svc.cluster.local", RType::Srv).rcode,
        Rcode::NxDomain
    );
    // PTR
    let octets: Vec<&str> = svc_ip.split('.').collect();
    let ptr = query(
        &c,
        &format!(
            "{}.{}.{}.{}.in-addr.arpa",
            octets[3], octets[2], octets[1], octets[0]
        ),
        RType::Ptr,
    );
    assert_eq!(
        ptr.answers[0].data,
        RData::Ptr("web.default.svc.cluster.local".into())
    );
    let ptr = query(&c, "10.0.96.10.in-addr.arpa", RType::Ptr);
    assert_eq!(
        ptr.answers[0].data,
        RData::Ptr("kube-dns.kube-system.svc.cluster.local".into())
    );
    // TXT
    let txt = query(&c, "dns-version.cluster.local", RType::Txt);
    assert_eq!(txt.answers[0].data, RData::Txt("1.1.0".into()));
    // Pod records: pods insecure.
    assert_eq!(
        ips(&query(&c, "10-244-1-7.default.pod.cluster.local", RType::A)),
        vec!["10.244.1.7"]
    );
    assert_eq!(
        query(&c, "10-244-1-7.nons.pod.cluster.local", RType::A).rcode,
        Rcode::NxDomain
    );
}

#[test]
fn headless_externalname_and_internet() {
    let (c, _) = setup(2, APPS);
    let mut pod_ips: Vec<String> = c
        .store
        .list_ns("Pod", "default")
        .filter_map(|o| match o {
            Object::Pod(p) if o.name().starts_with("web-") => p.status.as_ref()?.pod_ip.clone(),
            _ => None,
        })
        .collect();
    pod_ips.sort();
    let a = query(&c, "web-headless.default.svc.cluster.local", RType::A);
    let mut got = ips(&a);
    got.sort();
    assert_eq!(got, pod_ips);
    assert_eq!(
        query(&c, "empty-headless.default.svc.cluster.local", RType::A).rcode,
        Rcode::NxDomain
    );
    // Per-endpoint names use the dashed IP; SRV weights are 100/n.
    let dashed = pod_ips[0].replace('.', "-");
    assert_eq!(
        ips(&query(
            &c,
            &format!("{dashed}.web-headless.default.svc.cluster.local"),
            RType::A
        )),
        vec![pod_ips[0].clone()]
    );
    let srv = query(
        &c,
        "_http._tcp.web-headless.default.svc.cluster.local",
        RType::Srv,
    );
    assert_eq!(srv.answers.len(), 2);
    for r in &srv.answers {
        assert!(
            matches!(&r.data, RData::Srv { weight: 50, port: 80, target, .. } if target.ends_with(".web-headless.default.svc.cluster.local"))
        );
    }
    let o: Vec<&str> = pod_ips[0].split('.').collect();
    let ptr = query(
        &c,
        &format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0]),
        RType::Ptr,
    );
    assert_eq!(
        ptr.answers[0].data,
        RData::Ptr(format!("{dashed}.web-headless.default.svc.cluster.local"))
    );
    // ExternalName: CNAME plus the target's address.
    let ext = query(&c, "ext.default.svc.cluster.local", RType::A);
    assert_eq!(ext.answers[0].data, RData::Cname("example.com".into()));
    assert_eq!(ips(&ext), vec!["93.184.215.14"]);
    // Outside names: non-authoritative; unknown ones NXDOMAIN.
    let ex = query(&c, "example.com", RType::A);
    assert!(!ex.authoritative && ex.rcode == Rcode::NoError);
    assert_eq!(
        query(&c, "no-such-host.invalid", RType::A).rcode,
        Rcode::NxDomain
    );
}

#[test]
fn musl_search_list_and_ndots() {
    let (c, _) = setup(2, APPS);
    let rc = ResolvConf::for_namespace("default");
    let mut asked = Vec::new();
    let r = resolve_musl(&c, &rc, &[], "web", &mut asked);
    assert!(r.is_some());
    assert_eq!(asked[0].name, "web.default.svc.cluster.local");
    asked.clear();
    // `web.default` -> web.default.default.svc.cluster.local (NXDOMAIN), then web.default.svc.cluster.local.
    let r2 = resolve_musl(&c, &rc, &[], "web.default", &mut asked);
    assert_eq!(r, r2);
    assert_eq!(asked[0].name, "web.default.default.svc.cluster.local");
    assert_eq!(asked[2].name, "web.default.svc.cluster.local");
    // From another namespace the short name does not resolve.
    let other = ResolvConf::for_namespace("kube-system");
    assert_eq!(resolve_musl(&c, &other, &[], "web", &mut Vec::new()), None);
    assert!(resolve_musl(&c, &other, &[], "web.default", &mut Vec::new()).is_some());
    // Trailing dot: absolute only.
    asked.clear();
    assert_eq!(resolve_musl(&c, &rc, &[], "web.", &mut asked), None);
    assert_eq!(asked.len(), 2);
    assert!(resolve_musl(&c, &rc, &[], "example.com", &mut Vec::new()).is_some());
    assert_eq!(resolve_musl(&c, &rc, &[], "ngnix", &mut Vec::new()), None);
    // /etc/hosts first.
    let hosts = vec![("10.244.1.9".to_string(), vec!["debug".to_string()])];
    assert_eq!(
        resolve_musl(&c, &rc, &hosts, "debug", &mut Vec::new()),
        Some(vec!["10.244.1.9".to_string()])
    );
}

#[test]
fn nslookup_query_list_and_format() {
    let rc = ResolvConf::for_namespace("default");
    let q = nslookup_queries(&rc, "web", &[]);
    assert_eq!(q.len(), 6);
    assert_eq!(
        q[0],
        ("web.default.svc.cluster.local".to_string(), RType::A)
    );
    assert_eq!(
        q[3],
        ("web.default.svc.cluster.local".to_string(), RType::Aaaa)
    );
    assert!(
        q.iter().all(|(n, _)| n != "web"),
        "no bare query for a dotless name"
    );
    assert_eq!(
        nslookup_queries(&rc, "web.default", &[]),
        vec![
            ("web.default".to_string(), RType::A),
            ("web.default".to_string(), RType::Aaaa)
        ]
    );
    assert_eq!(
        nslookup_queries(&rc, "10.96.0.10", &[]),
        vec![("10.0.96.10.in-addr.arpa".to_string(), RType::Ptr)]
    );
    let r = Reply {
        rcode: Rcode::NoError,
        authoritative: true,
        answers: vec![rr(
            "web.default.svc.cluster.local",
            RData::A("10.96.1.2".into()),
        )],
    };
    assert_eq!(
        nslookup_format("web.default.svc.cluster.local", &r),
        "Name:\tweb.default.svc.cluster.local\nAddress: 10.96.1.2\n\n"
    );
    assert_eq!(
        nslookup_format("x.cluster.local", &Reply::nx(true)),
        "** server can't find x.cluster.local: NXDOMAIN\n\n"
    );
    assert_eq!(nslookup_format("x", &Reply::nodata(true)), "\n");
    let ex = Reply {
        rcode: Rcode::NoError,
        authoritative: false,
        answers: vec![rr("example.com", RData::A("93.184.215.14".into()))],
    };
    assert!(nslookup_format("example.com", &ex)
        .starts_with("Non-authoritative answer:\nName:\texample.com\n"));
}
