//! Every `tests/transcripts/*.txt` is one test: replayed against a fresh cluster,
//! each command's output must match what a real v1.33 cluster prints.

use std::path::Path;

fn run(name: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/transcripts")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let result = kubeplay::scenario::run_transcript(&text);
    assert!(result.passed, "{name}\n{}", result.report);
}

/// Files not yet listed below still run, here, so a new transcript is never skipped.
#[test]
fn unlisted_transcripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let listed = include_str!("transcripts.rs");
    let mut failures = String::new();
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("transcripts dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt") && !listed.contains(&format!("\"{n}\"")))
        .collect();
    names.sort();
    for name in names {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/transcripts")
            .join(&name);
        let text = std::fs::read_to_string(&path).expect("readable transcript");
        let result = kubeplay::scenario::run_transcript(&text);
        if !result.passed {
            failures.push_str(&format!("{name}\n{}\n", result.report));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

macro_rules! transcripts {
    ($($test:ident => $file:expr,)*) => {$(
        #[test]
        fn $test() {
            run($file);
        }
    )*};
}

transcripts! {
    t01_clusterip_basics => "01-clusterip-basics.txt",
    t02_dns_and_wget_from_pod => "02-dns-and-wget-from-pod.txt",
    t03_apply_errors => "03-apply-errors.txt",
    t04_apply_semantics => "04-apply-semantics.txt",
    t05_service_types => "05-service-types.txt",
    t06_broken_selector => "06-broken-selector.txt",
    t07_endpoints_follow_pods => "07-endpoints-follow-pods.txt",
    t08_scaling_endpoints => "08-scaling-endpoints.txt",
    t09_blue_green => "09-blue-green.txt",
    t10_port_targetport => "10-port-targetport.txt",
    t11_dns_across_namespaces => "11-dns-across-namespaces.txt",
    t12_headless_srv => "12-headless-srv.txt",
    t13_readiness => "13-readiness.txt",
    t14_externalname => "14-externalname.txt",
    t15_get_describe_workloads => "15-get-describe-workloads.txt",
    t16_service_yaml => "16-service-yaml.txt",
    t17_expose_and_create_service => "17-expose-and-create-service.txt",
    t18_label_pod_out => "18-label-pod-out.txt",
    t19_cleanup => "19-cleanup.txt",
    t20_exec_errors_and_pod_files => "20-exec-errors-and-pod-files.txt",
    t21_load_balancing_agnhost => "21-load-balancing-agnhost.txt",
    t22_refused_and_timeouts => "22-refused-and-timeouts.txt",
    t23_nslookup => "23-nslookup.txt",
    t24_nodeport_on_node_ip => "24-nodeport-on-node-ip.txt",
    t25_curl_image => "25-curl-image.txt",
    t26_session_affinity => "26-session-affinity.txt",
    t27_image_pull_backoff => "27-image-pull-backoff.txt",
    t28_crashloop => "28-crashloop.txt",
    t29_pending_nodeselector => "29-pending-nodeselector.txt",
    t30_get_events => "30-get-events.txt",
    t31_kubectl_usage_errors => "31-kubectl-usage-errors.txt",
    t32_nodeport_from_outside => "32-nodeport-from-outside.txt",
    t33_rollout_restart => "33-rollout-restart.txt",
    t34_kubectl_flag_errors => "34-kubectl-flag-errors.txt",
    t35_dry_run_client => "35-dry-run-client.txt",
    t36_kubectl_client_errors => "36-kubectl-client-errors.txt",
    t37_logs_follow => "37-logs-follow.txt",
    t38_node_maintenance => "38-node-maintenance.txt",
    t39_configmap_secret_replace => "39-configmap-secret-replace.txt",
    t40_taint => "40-taint.txt",
    t44_endpoints_managed_by => "44-endpoints-managed-by.txt",
    t45_event_aggregation => "45-event-aggregation.txt",
    t46_kube_root_ca_configmap => "46-kube-root-ca-configmap.txt",
    t47_cordon_taint => "47-cordon-taint.txt",
    t48_logs_selector_and_rollout_history => "48-logs-selector-and-rollout-history.txt",
    t49_api_resources_and_yaml_booleans => "49-api-resources-and-yaml-booleans.txt",
    t50_describe_service_types_and_pod_volumes => "50-describe-service-types-and-pod-volumes.txt",
    t51_go_template_nodeport => "51-go-template-nodeport.txt",
    t52_run_rm_and_grep_context => "52-run-rm-and-grep-context.txt",
    t53_set_selector_blue_green => "53-set-selector-blue-green.txt",
    t54_describe_endpointslice => "54-describe-endpointslice.txt",
    t55_nginx_pages_per_pod => "55-nginx-pages-per-pod.txt",
    t56_inside_an_nginx_pod => "56-inside-an-nginx-pod.txt",
    t57_port_forward => "57-port-forward.txt",
    t58_logs_of_stopped_containers => "58-logs-of-stopped-containers.txt",
    t59_selectorless_service => "59-selectorless-service.txt",
    t60_nodeport_loop_from_host => "60-nodeport-loop-from-host.txt",
    t61_kube_system_daemonsets => "61-kube-system-daemonsets.txt",
    t62_ingress_stored => "62-ingress-stored.txt",
    t63_create_ingress => "63-create-ingress.txt",
    t64_one_shot_client_pods => "64-one-shot-client-pods.txt",
    t65_curl_progress_meter => "65-curl-progress-meter.txt",
    t66_empty_endpointslice_reads_null => "66-empty-endpointslice-reads-null.txt",
    t67_label_selector_parse_errors => "67-label-selector-parse-errors.txt",
    t90_curl_connect_timeout => "90-curl-connect-timeout.txt",
    t91_busybox_1_28_nslookup => "91-busybox-1-28-nslookup.txt",
    t92_files_the_terminal_does_not_have => "92-files-the-terminal-does-not-have.txt",
    t93_delete_all_and_the_kubernetes_service => "93-delete-all-and-the-kubernetes-service.txt",
    t94_run_expose => "94-run-expose.txt",
    t95_kubeconfig_contexts => "95-kubeconfig-contexts.txt",
    t96_client_side_errors => "96-client-side-errors.txt",
    t97_group_command_help => "97-group-command-help.txt",
    t98_expose_ports_and_command_aliases => "98-expose-ports-and-command-aliases.txt",
    t99_alpine_ps_and_apk => "99-alpine-ps-and-apk.txt",
    t100_coredns_configmap => "100-coredns-configmap.txt",
    t101_statefulset_headless => "101-statefulset-headless.txt",
    t102_kubectl_events_and_missing_tags => "102-kubectl-events-and-missing-tags.txt",
    t103_set_env => "103-set-env.txt",
    t104_dnsutils_debugging => "104-dnsutils-debugging.txt",
    t105_delete_cascade_orphan => "105-delete-cascade-orphan.txt",
    t106_kube_proxy_configmap => "106-kube-proxy-configmap.txt",
    t107_health_check_node_port => "107-health-check-node-port.txt",
    t108_debug_services_hostnames => "108-debug-services-hostnames.txt",
    t109_secret_stringdata_and_describe => "109-secret-stringdata-and-describe.txt",
    t110_create_container_config_error => "110-create-container-config-error.txt",
    t111_ping => "111-ping.txt",
    t112_timeout_bounds_a_watch => "112-timeout-bounds-a-watch.txt",
    t113_agnhost_netexec_endpoints => "113-agnhost-netexec-endpoints.txt",
    t114_api_server_proxy => "114-api-server-proxy.txt",
    t115_expose_external_ip => "115-expose-external-ip.txt",
    t116_rolling_update_with_unready_pods => "116-rolling-update-with-unready-pods.txt",
    t117_expose_flags_and_introspection => "117-expose-flags-and-introspection.txt",
    t118_port_forward_named_ports => "118-port-forward-named-ports.txt",
    t119_rollout_and_set_image_on_a_service => "119-rollout-and-set-image-on-a-service.txt",
    t120_service_ip_families_and_patch_errors => "120-service-ip-families-and-patch-errors.txt",
    t121_dry_run_updates => "121-dry-run-updates.txt",
    t122_container_commands_that_sleep => "122-container-commands-that-sleep.txt",
    t123_watch_a_pod_being_deleted => "123-watch-a-pod-being-deleted.txt",
    t124_crashloop_first_restart => "124-crashloop-first-restart.txt",
    t125_paused_deployment => "125-paused-deployment.txt",
    t126_proportional_scaling => "126-proportional-scaling.txt",
    t127_progress_deadline => "127-progress-deadline.txt",
    t128_replicaset_generation_and_unavailable => "128-replicaset-generation-and-unavailable.txt",
    t129_liveness_probe_restarts => "129-liveness-probe-restarts.txt",
    t130_client_side_checks_and_wrapped_errors => "130-client-side-checks-and-wrapped-errors.txt",
    t131_client_validation_errors => "131-client-validation-errors.txt",
    t132_qos_class_and_requests => "132-qos-class-and-requests.txt",
    t133_create_service_port_specs => "133-create-service-port-specs.txt",
    t134_nslookup_type_any => "134-nslookup-type-any.txt",
    t135_port_forward_selectorless_service => "135-port-forward-selectorless-service.txt",
    t136_create_service_errors_and_app_protocol => "136-create-service-errors-and-app-protocol.txt",
    t137_service_update_drops_dependent_fields => "137-service-update-drops-dependent-fields.txt",
    t138_create_with_namespace_flag => "138-create-with-namespace-flag.txt",
    t139_endpoints_port_order => "139-endpoints-port-order.txt",
    t140_endpointslice_max_100_endpoints => "140-endpointslice-max-100-endpoints.txt",
    t141_watch_rows_of_a_new_pod => "141-watch-rows-of-a-new-pod.txt",
    t142_jsonpath_index_out_of_range => "142-jsonpath-index-out-of-range.txt",
    t143_init_containers => "143-init-containers.txt",
    t144_recreate_waits_for_old_pods => "144-recreate-waits-for-old-pods.txt",
    t145_rollout_undo_dry_run_and_history_output => "145-rollout-undo-dry-run-and-history-output.txt",
    t146_bad_timestamps => "146-bad-timestamps.txt",
    t147_udp_service_netexec => "147-udp-service-netexec.txt",
    t148_image_pull_policy_never => "148-image-pull-policy-never.txt",
    t149_image_pull_policy_always => "149-image-pull-policy-always.txt",
    t150_kubectl_events_watch => "150-kubectl-events-watch.txt",
    t151_kubectl_events_output_formats => "151-kubectl-events-output-formats.txt",
    t152_nslookup_zone_apex_and_port_names => "152-nslookup-zone-apex-and-port-names.txt",
    t153_json_patch_move_copy_test => "153-json-patch-move-copy-test.txt",
    t154_insufficient_cpu_pending => "154-insufficient-cpu-pending.txt",
    t155_instant_exit_crashloop_watch => "155-instant-exit-crashloop-watch.txt",
    t156_netshoot_dns_tools => "156-netshoot-dns-tools.txt",
    t157_missing_executable_start_error => "157-missing-executable-start-error.txt",
    t163_patch_service_ports_strategic_merge => "163-patch-service-ports-strategic-merge.txt",
    t164_label_annotate_selector_output => "164-label-annotate-selector-output.txt",
    t165_hostname_fqdn => "165-hostname-fqdn.txt",
    t166_sort_by_missing_field => "166-sort-by-missing-field.txt",
    t158_kubectl_debug_ephemeral_container => "158-kubectl-debug-ephemeral-container.txt",
    t159_explain_service_spec => "159-explain-service-spec.txt",
    t160_explain_service_ports => "160-explain-service-ports.txt",
    t161_explain_service_type => "161-explain-service-type.txt",
    t162_explain_container_ports_and_errors => "162-explain-container-ports-and-errors.txt",
    t167_sidecar_init_containers => "167-sidecar-init-containers.txt",
    t168_kubectl_debug_session_end => "168-kubectl-debug-session-end.txt",
    t169_nginx_entrypoint_exec_not_found => "169-nginx-entrypoint-exec-not-found.txt",
    t170_run_i_default_restart_policy => "170-run-i-default-restart-policy.txt",
    t173_manifest_files_on_the_learners_machine => "173-manifest-files-on-the-learners-machine.txt",
    t174_nothing_to_apply_or_delete => "174-nothing-to-apply-or-delete.txt",
    t175_secret_and_configmap_from_files => "175-secret-and-configmap-from-files.txt",
    t176_nc_raw_http => "176-nc-raw-http.txt",
    t177_getent_hosts => "177-getent-hosts.txt",
    t178_netstat_route_ifconfig => "178-netstat-route-ifconfig.txt",
    t179_traceroute => "179-traceroute.txt",
    t180_diff_a_service_before_applying => "180-diff-a-service-before-applying.txt",
    t181_diff_deployment_secret_and_several_objects => "181-diff-deployment-secret-and-several-objects.txt",
    t182_documents_without_kind => "182-documents-without-kind.txt",
    t183_componentstatuses_and_sleep_behind_an_entrypoint => "183-componentstatuses-and-sleep-behind-an-entrypoint.txt",
    t184_pod_ips_are_never_shared => "184-pod-ips-are-never-shared.txt",
    t185_curl_inside_an_nginx_pod => "185-curl-inside-an-nginx-pod.txt",
    t186_record_flag => "186-record-flag.txt",
    t187_rollout_status_without_watch => "187-rollout-status-without-watch.txt",
    t188_run_labels => "188-run-labels.txt",
    t189_attach_to_a_missing_pod => "189-attach-to-a-missing-pod.txt",
    t190_job_fetches_a_service => "190-job-fetches-a-service.txt",
    t191_job_backoff_limit => "191-job-backoff-limit.txt",
    t192_create_job => "192-create-job.txt",
    t193_daemonset => "193-daemonset.txt",
    t194_exec_and_logs_unknown_container => "194-exec-and-logs-unknown-container.txt",
    t200_create_cronjob => "200-create-cronjob.txt",
    t201_cronjob_apply_defaults_validation => "201-cronjob-apply-defaults-validation.txt",
    t202_cronjob_concurrency_suspend_history => "202-cronjob-concurrency-suspend-history.txt",
    t203_explain_recursive => "203-explain-recursive.txt",
    t208_debug_node_iptables_save => "208-debug-node-iptables-save.txt",
    t209_iptables_no_endpoints_nodeport => "209-iptables-no-endpoints-nodeport.txt",
    t210_iptables_affinity_local_policy => "210-iptables-affinity-local-policy.txt",
    t195_toleration_validation => "195-toleration-validation.txt",
    t196_set_resources => "196-set-resources.txt",
    t197_hpa_without_metrics => "197-hpa-without-metrics.txt",
    t198_kubectl_autoscale => "198-kubectl-autoscale.txt",
    t204_hello_app_service_access => "204-hello-app-service-access.txt",
    t205_echoserver_source_ip => "205-echoserver-source-ip.txt",
    t206_minikube_echo_server => "206-minikube-echo-server.txt",
    t207_nginxdemos_hello_plain_text => "207-nginxdemos-hello-plain-text.txt",
    t211_kubernetes_basics_deploy_and_explore => "211-kubernetes-basics-deploy-and-explore.txt",
    t212_kubernetes_basics_expose => "212-kubernetes-basics-expose.txt",
    t213_kubernetes_basics_scale_and_update => "213-kubernetes-basics-scale-and-update.txt",
    t214_explain_every_kind => "214-explain-every-kind.txt",
    t215_explain_pod_spec_types => "215-explain-pod-spec-types.txt",
}
