package io.berth.node.simulate;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One simulated node's mutable state. Fields are written by the registration thread, then by the completions of
 * its renewals and status writes, and read by the scheduler threads: volatile, and the in-flight flags are the
 * compare-and-set guards that keep one renewal (one status write) per node at a time.
 */
final class SimulatedNode {

    final int index;
    final String name;
    /** A Lease renewal of this node is in flight. */
    final AtomicBoolean leaseInFlight = new AtomicBoolean();
    /** A periodic status write of this node is in flight. */
    final AtomicBoolean statusInFlight = new AtomicBoolean();

    private volatile String uid;
    private volatile Lease lease;
    private volatile Instant readySince;
    private volatile boolean registered;

    SimulatedNode(int index, String name) {
        this.index = index;
        this.name = name;
    }

    /** The Node's uid, for the Lease's owner reference. */
    String uid() {
        return uid;
    }

    /** The last Lease written or read: the next renewal updates it with its resourceVersion. */
    Lease lease() {
        return lease;
    }

    void lease(Lease lease) {
        this.lease = lease;
    }

    /** When the Ready condition last turned True: its {@code lastTransitionTime}. */
    Instant readySince() {
        return readySince;
    }

    boolean registered() {
        return registered;
    }

    /** The Node exists: its uid and when it turned Ready, for its status and its Lease's owner reference. */
    void created(String uid, Instant readySince) {
        this.uid = uid;
        this.readySince = readySince;
    }

    /** The Node has its status and its Lease: renewals and status writes may start. */
    void registered(Lease lease) {
        this.lease = lease;
        this.registered = true;
    }
}
