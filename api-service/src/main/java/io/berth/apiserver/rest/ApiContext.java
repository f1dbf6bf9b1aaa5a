package io.berth.apiserver.rest;

import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apiserver.admission.Admission;
import io.berth.apiserver.config.ApiServerProperties;
import io.berth.apiserver.housekeeping.EventLeases;
import io.berth.apiserver.storage.EtcdStore;
import io.berth.apiserver.watch.WatchCaches;

import java.time.Clock;

/** What every request handler needs: the registry, storage, the watch caches, admission and settings. */
record ApiContext(
        ResourceRegistry registry,
        EtcdStore store,
        WatchCaches caches,
        Admission admission,
        EventLeases eventLeases,
        ApiServerProperties props,
        Clock clock) {
}
