package io.berth.gateway.authn;

/**
 * Thrown by {@link CredentialLookups} answering from informer caches when an object a correctly signed token is
 * bound to is not in the cache: it may have been created a moment ago (a ServiceAccount, then at once its token; a
 * node's credential Secret, created in the very request that issued the credential). The authentication filter then
 * repeats the authentication off the event loop with lookups that ask the api-service.
 */
public final class CacheMiss extends RuntimeException {

    public CacheMiss(String what) {
        super(what + " is not in the gateway's cache", null, false, false);
    }
}
