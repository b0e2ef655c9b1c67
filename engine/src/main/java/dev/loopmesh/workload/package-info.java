/**
 * Emulated services. {@link dev.loopmesh.workload.Workloads#start} starts one
 * {@link dev.loopmesh.workload.WorkloadServer} per emulated pod of a registry (HTTP/1.1 and h2c on the
 * pod's app address; an echo server for {@code tcp} services). Each request waits its sampled latency on
 * a timer, may fail by the error rate, makes its downstream calls through the pod's
 * {@link dev.loopmesh.workload.OutboundTarget} (its sidecar's outbound listener, or straight to a pod the
 * {@link dev.loopmesh.workload.ServiceResolver} picks), and answers with a {@link dev.loopmesh.workload.CallTree}.
 */
package dev.loopmesh.workload;
