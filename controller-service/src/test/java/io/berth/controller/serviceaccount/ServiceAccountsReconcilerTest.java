package io.berth.controller.serviceaccount;

import io.berth.controller.testing.Caches;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceAccountsReconcilerTest {

    final List<String> created = new ArrayList<>();
    final ServiceAccountsReconciler.Client client = sa -> created.add(sa.getMetadata().getNamespace() + "/"
            + sa.getMetadata().getName());
    final Caches<Namespace> namespaces = Caches.of(ServiceAccountsPlanTest.namespace("Active", false));
    final Caches<ServiceAccount> serviceAccounts = new Caches<>();

    ServiceAccountsReconciler reconciler() {
        return new ServiceAccountsReconciler(namespaces.lister(), serviceAccounts.lister(), client);
    }

    @Test
    void a_new_namespace_gets_its_default_service_account_once_the_cache_has_it_nothing_more_is_written() {
        reconciler().reconcile("team");
        assertThat(created).containsExactly("team/default");

        serviceAccounts.put(sa("team", "default"));
        reconciler().reconcile("team");
        assertThat(created).containsExactly("team/default");
    }

    @Test
    void other_service_accounts_and_a_default_in_another_namespace_do_not_count() {
        serviceAccounts.put(sa("team", "builder")).put(sa("other", "default"));

        reconciler().reconcile("team");

        assertThat(created).containsExactly("team/default");
    }

    @Test
    void a_deleted_default_service_account_is_created_again() {
        ServiceAccount sa = sa("team", "default");
        serviceAccounts.put(sa);
        reconciler().reconcile("team");
        assertThat(created).isEmpty();

        serviceAccounts.remove(sa);
        reconciler().reconcile("team");

        assertThat(created).containsExactly("team/default");
    }

    @Test
    void a_namespace_gone_from_the_cache_or_terminating_gets_nothing() {
        reconciler().reconcile("gone");
        namespaces.put(ServiceAccountsPlanTest.namespace("Terminating", true));
        reconciler().reconcile("team");

        assertThat(created).isEmpty();
    }

    static ServiceAccount sa(String namespace, String name) {
        return new ServiceAccountBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .build();
    }
}
