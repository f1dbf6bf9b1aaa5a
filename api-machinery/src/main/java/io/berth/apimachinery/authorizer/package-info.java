/**
 * The cluster's authorizers beyond RBAC rule evaluation: Kubernetes' Node authorizer and the chain
 * (privileged group, Node, RBAC) that the gateway applies to every request and the api-service to access reviews.
 * Plain Java over read-only views ({@link io.berth.apimachinery.authorizer.NodeGraph},
 * {@link io.berth.apimachinery.rbac.RbacObjects}) that informers or watch caches implement.
 */
package io.berth.apimachinery.authorizer;
