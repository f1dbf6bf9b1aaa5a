package io.berth.apiserver.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.List;

/**
 * Tuning of the api-service ({@code berth.apiserver.*}); the defaults run a local cluster.
 *
 * @param frontProxyAllowedNames  client-certificate common names whose X-Remote-* headers are trusted
 * @param watchCacheCapacity      events of history kept per resource for watches from an older resourceVersion
 * @param bookmarkInterval        how often watchers that allow bookmarks get one
 * @param resourceVersionWait     how long a list or watch for a resourceVersion newer than the cache waits (then 504)
 * @param minRequestTimeout       a watch without timeoutSeconds lasts between this and twice this
 * @param maxRequestBody          request bodies above this are refused with 413
 * @param maxObjectSize           stored objects above this are refused with 413 (etcd's own limit is 1.5 MiB)
 * @param eventTtl                Events are stored with an etcd lease of this length
 * @param compactionInterval      how often the elected replica compacts etcd; zero turns compaction off
 * @param watcherQueue            events buffered per watcher before a slow watcher is closed
 */
@ConfigurationProperties("berth.apiserver")
public record ApiServerProperties(
        @DefaultValue("system:berth-gateway") List<String> frontProxyAllowedNames,
        @DefaultValue("10000") int watchCacheCapacity,
        @DefaultValue("60s") Duration bookmarkInterval,
        @DefaultValue("3s") Duration resourceVersionWait,
        @DefaultValue("1800s") Duration minRequestTimeout,
        @DefaultValue("3MB") DataSize maxRequestBody,
        @DefaultValue("1536KB") DataSize maxObjectSize,
        @DefaultValue("1h") Duration eventTtl,
        @DefaultValue("5m") Duration compactionInterval,
        @DefaultValue("1000") int watcherQueue) {
}
