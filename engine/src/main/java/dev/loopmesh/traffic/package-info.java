/**
 * Open-loop load. A {@link dev.loopmesh.traffic.LoadGenerator} runs named clients from
 * {@link dev.loopmesh.topology.TrafficClientSpec}s against a {@link dev.loopmesh.traffic.TrafficTarget}
 * (the ingress gateway, or a service's pods): each request leaves at its intended time and its latency
 * counts from then, so a slow mesh cannot hide its latency by slowing the load down.
 */
package dev.loopmesh.traffic;
