package io.berth.apimachinery.client;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;

import java.time.Duration;

/**
 * fabric8's leader-election lock on a {@code coordination.k8s.io} Lease, written as Kubernetes' own leader election
 * writes it: create, then PUT carrying the resourceVersion last read (a compare-and-swap; a replica that lost a race
 * gets 409). fabric8's {@code LeaseLock} PATCHes, which the {@code system:kube-scheduler} and
 * {@code system:kube-controller-manager} roles (get, update on their own Lease) rightly do not allow. Used by one elector's thread at a time.
 */
public final class LeaseUpdateLock implements Lock {

    private final String namespace;
    private final String name;
    private final String identity;
    private Lease last;

    public LeaseUpdateLock(String namespace, String name, String identity) {
        this.namespace = namespace;
        this.name = name;
        this.identity = identity;
    }

    @Override
    public synchronized LeaderElectionRecord get(KubernetesClient client) {
        last = client.leases().inNamespace(namespace).withName(name).get();
        if (last == null || last.getSpec() == null) {
            return null;
        }
        LeaseSpec s = last.getSpec();
        return new LeaderElectionRecord(s.getHolderIdentity(),
                Duration.ofSeconds(s.getLeaseDurationSeconds() == null ? 0 : s.getLeaseDurationSeconds()),
                s.getAcquireTime(), s.getRenewTime(), s.getLeaseTransitions() == null ? 0 : s.getLeaseTransitions());
    }

    @Override
    public synchronized void create(KubernetesClient client, LeaderElectionRecord record) {
        Lease lease = new LeaseBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withSpec(spec(record)).build();
        last = client.leases().inNamespace(namespace).resource(lease).create();
    }

    @Override
    public synchronized void update(KubernetesClient client, LeaderElectionRecord record) {
        if (last == null) {
            throw new IllegalStateException("the Lease " + describe() + " was not read before its update");
        }
        Lease updated = new LeaseBuilder(last).withSpec(spec(record)).build();
        last = client.leases().inNamespace(namespace).resource(updated).update();
    }

    private static LeaseSpec spec(LeaderElectionRecord record) {
        return new LeaseSpecBuilder()
                .withHolderIdentity(record.getHolderIdentity())
                .withLeaseDurationSeconds((int) record.getLeaseDuration().toSeconds())
                .withAcquireTime(record.getAcquireTime())
                .withRenewTime(record.getRenewTime())
                .withLeaseTransitions(record.getLeaderTransitions())
                .build();
    }

    @Override
    public String identity() {
        return identity;
    }

    @Override
    public String describe() {
        return "Lease " + namespace + "/" + name;
    }
}
