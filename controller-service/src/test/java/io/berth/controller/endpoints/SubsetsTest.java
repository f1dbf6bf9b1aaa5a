package io.berth.controller.endpoints;

import io.berth.controller.endpoints.Subsets.Address;
import io.berth.controller.endpoints.Subsets.Entry;
import io.berth.controller.endpoints.Subsets.Port;
import io.berth.controller.endpoints.Subsets.Ref;
import io.berth.controller.endpoints.Subsets.Subset;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class SubsetsTest {

    static final Port HTTP = new Port("http", 8080, "TCP", null);
    static final Port HTTPS = new Port("https", 8443, "TCP", null);

    static Address address(String ip) {
        return new Address(ip, null, "node-a", new Ref(null, "Pod", "default", "p-" + ip, "uid-" + ip, null));
    }

    @Test
    void addressesOfferingTheSamePortsShareASubsetAndOthersGetTheirOwn() {
        Address a = address("10.0.0.1");
        Address b = address("10.0.0.2");
        List<Subset> subsets = Subsets.repack(List.of(new Entry(a, true, HTTP), new Entry(a, true, HTTPS),
                new Entry(b, true, HTTP)));
        assertThat(subsets).containsExactlyInAnyOrder(
                new Subset(List.of(a, b), List.of(), List.of(HTTP)),
                new Subset(List.of(a), List.of(), List.of(HTTPS)));
    }

    @Test
    void addressesWithEqualPortSetsAreOneSubsetWithAllPorts() {
        Address a = address("10.0.0.1");
        Address b = address("10.0.0.2");
        List<Subset> subsets = Subsets.repack(List.of(new Entry(b, true, HTTPS), new Entry(a, true, HTTP),
                new Entry(b, true, HTTP), new Entry(a, false, HTTPS)));
        // a is not ready on https, so it is not the same set there
        assertThat(subsets).containsExactlyInAnyOrder(
                new Subset(List.of(a, b), List.of(), List.of(HTTP)),
                new Subset(List.of(b), List.of(a), List.of(HTTPS)));
    }

    @Test
    void notReadyWinsOverReadyForOneAddressAndPort() {
        Address a = address("10.0.0.1");
        List<Subset> subsets = Subsets.repack(List.of(new Entry(a, true, HTTP), new Entry(a, false, HTTP),
                new Entry(a, true, HTTP)));
        assertThat(subsets).containsExactly(new Subset(List.of(), List.of(a), List.of(HTTP)));
    }

    @Test
    void theOrderOfTheInputDoesNotChangeTheResult() {
        List<Entry> entries = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            Address a = address("10.0.0." + i);
            entries.add(new Entry(a, i % 3 != 0, HTTP));
            if (i % 2 == 0) {
                entries.add(new Entry(a, i % 3 != 0, HTTPS));
            }
        }
        List<Subset> expected = Subsets.repack(entries);
        Random random = new Random(7);
        for (int round = 0; round < 5; round++) {
            Collections.shuffle(entries, random);
            assertThat(Subsets.repack(entries)).isEqualTo(expected);
        }
    }

    @Test
    void addressesWithoutPortsFormASubsetWithoutPorts() {
        Address a = address("10.0.0.1");
        assertThat(Subsets.repack(List.of(new Entry(a, true, null))))
                .containsExactly(new Subset(List.of(a), List.of(), List.of()));
    }

    @Test
    void truncationKeepsReadyAddressesFirst() {
        List<Address> ready = addresses(0, 900);
        List<Address> notReady = addresses(900, 200);
        Subsets.Truncated t = Subsets.truncate(List.of(new Subset(ready, notReady, List.of(HTTP))), 1000);
        assertThat(t.truncated()).isTrue();
        assertThat(t.subsets().get(0).addresses()).hasSize(900);
        assertThat(t.subsets().get(0).notReadyAddresses()).hasSize(100);
    }

    @Test
    void truncationSharesWhatIsKeptInProportion() {
        Subsets.Truncated t = Subsets.truncate(List.of(
                new Subset(addresses(0, 900), List.of(), List.of(HTTP)),
                new Subset(addresses(900, 300), addresses(1200, 10), List.of(HTTPS))), 1000);
        assertThat(t.subsets().get(0).addresses()).hasSize(750);
        assertThat(t.subsets().get(1).addresses()).hasSize(250);
        assertThat(t.subsets().get(1).notReadyAddresses()).isEmpty();
    }

    @Test
    void aThousandAddressesAreNotTruncated() {
        List<Subset> subsets = List.of(new Subset(addresses(0, 1000), List.of(), List.of(HTTP)));
        assertThat(Subsets.truncate(subsets, 1000)).isEqualTo(new Subsets.Truncated(subsets, false));
    }

    static List<Address> addresses(int from, int n) {
        List<Address> list = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            list.add(address("10.1." + (i / 250) + "." + (i % 250)));
        }
        return list;
    }
}
