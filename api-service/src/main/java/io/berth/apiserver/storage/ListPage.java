package io.berth.apiserver.storage;

import java.util.List;

/**
 * One page of a list read from etcd.
 *
 * @param revision  the revision the page was read at (the list's resourceVersion)
 * @param continueToken the token for the next page, or null when this is the last
 */
public record ListPage(List<Stored> items, long revision, String continueToken) {
}
