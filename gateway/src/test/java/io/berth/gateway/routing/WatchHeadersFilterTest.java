package io.berth.gateway.routing;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class WatchHeadersFilterTest {

    record Case(String uri, boolean streamed) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("/api/v1/namespaces/a/pods?watch=true", true),
                new Case("/api/v1/namespaces/a/pods?watch=1", true),
                new Case("/api/v1/watch/namespaces/a/pods", true),
                new Case("/api/v1/namespaces/a/pods/web/log?follow=true", true),
                new Case("/api/v1/namespaces/a/pods/web/log?follow", true),
                new Case("/api/v1/namespaces/a/pods/web/log?follow=false", false),
                new Case("/api/v1/namespaces/a/pods/web/log", false),
                new Case("/api/v1/namespaces/a/pods", false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void watchesAndFollowedLogsGetTheirHeadersAtOnce(Case c) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(c.uri()));

        assertThat(WatchHeadersFilter.isWatch(exchange)).as(c.uri()).isEqualTo(c.streamed());
    }
}
