package io.berth.controller.nodeipam;

import java.math.BigInteger;
import java.util.BitSet;

/**
 * The cluster CIDR cut into blocks of the node mask size, each used or free (Kubernetes' {@code cidrset}):
 * {@link #allocateNext} hands out the next free block after the last one handed out (so a block just released is not
 * reused at once), {@link #occupy} and {@link #release} mark the blocks a CIDR overlaps. Not thread safe: the
 * {@link RangeAllocator} guards it.
 */
final class CidrSet {

    /** Kubernetes' limit: at most 2^16 blocks, so the bitmap stays small. */
    static final int MAX_PREFIX_DIFFERENCE = 16;

    private final Cidr cluster;
    private final int nodeMaskSize;
    private final int size;
    private final BitSet used;
    private int nextCandidate;

    CidrSet(Cidr cluster, int nodeMaskSize) {
        if (nodeMaskSize < cluster.prefix() || nodeMaskSize > cluster.bits()) {
            throw new IllegalArgumentException("node mask size " + nodeMaskSize + " must lie between the cluster CIDR's "
                    + "prefix length " + cluster.prefix() + " and " + cluster.bits());
        }
        if (nodeMaskSize - cluster.prefix() > MAX_PREFIX_DIFFERENCE) {
            throw new IllegalArgumentException("node mask size " + nodeMaskSize + " cuts " + cluster
                    + " into more than 2^" + MAX_PREFIX_DIFFERENCE + " blocks");
        }
        this.cluster = cluster;
        this.nodeMaskSize = nodeMaskSize;
        this.size = 1 << (nodeMaskSize - cluster.prefix());
        this.used = new BitSet(size);
    }

    /** How many blocks the cluster CIDR holds. */
    int size() {
        return size;
    }

    int free() {
        return size - used.cardinality();
    }

    boolean isUsed(int block) {
        return used.get(block);
    }

    /** Marks the next free block used and returns it; -1 when every block is used. */
    int allocateNext() {
        int block = used.nextClearBit(nextCandidate);
        if (block >= size) {
            block = used.nextClearBit(0);
            if (block >= size) {
                return -1;
            }
        }
        used.set(block);
        nextCandidate = (block + 1) % size;
        return block;
    }

    /** The CIDR of {@code block}. */
    Cidr cidr(int block) {
        BigInteger first = cluster.first().add(BigInteger.valueOf(block).shiftLeft(cluster.bits() - nodeMaskSize));
        return new Cidr(first, nodeMaskSize, cluster.bits());
    }

    /**
     * The blocks {@code cidr} overlaps, first and last; null when it lies outside the cluster CIDR (or is of the other
     * IP family): such a range is none of this set's business.
     */
    int[] blocks(Cidr cidr) {
        if (cidr.bits() != cluster.bits()) {
            return null;
        }
        BigInteger first = cidr.first().max(cluster.first());
        BigInteger last = cidr.last().min(cluster.last());
        if (first.compareTo(last) > 0) {
            return null;
        }
        int shift = cluster.bits() - nodeMaskSize;
        return new int[] {first.subtract(cluster.first()).shiftRight(shift).intValueExact(),
                last.subtract(cluster.first()).shiftRight(shift).intValueExact()};
    }

    void occupy(int[] blocks) {
        used.set(blocks[0], blocks[1] + 1);
    }

    void release(int block) {
        used.clear(block);
    }
}
