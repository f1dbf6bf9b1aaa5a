package io.berth.apiserver.auth;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.StatusErrors;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * Who sent a request, as admission sees it: the user the gateway vouched for, and whether the request is the
 * gateway's own (its informers, which reach the api-service with the front-proxy certificate and no
 * {@code X-Remote-User}). Only the connection can make a request internal, never a user name, so a token whose
 * user happens to be called {@code system:berth-gateway} gets no privilege from it. Immutable.
 */
public record Requester(UserInfo user, boolean internal) {

    /** A user forwarded by the gateway. */
    public static Requester of(UserInfo user) {
        return new Requester(user, false);
    }

    /** The gateway itself. */
    public static Requester internal(UserInfo user) {
        return new Requester(user, true);
    }

    /**
     * The requester of a request that passed the {@link FrontProxyAuthenticator}: internal exactly when the trusted
     * connection carried no {@code X-Remote-User}, the case in which the authenticator names the certificate's user.
     *
     * @throws io.berth.apimachinery.errors.ApiException 401 when the request has no authenticated user
     */
    public static Requester from(ServerRequest request) {
        UserInfo user = request.attribute(FrontProxyAuthenticator.USER_ATTRIBUTE)
                .map(UserInfo.class::cast)
                .orElseThrow(StatusErrors::unauthorized);
        String forwarded = request.headers().firstHeader(UserInfo.HEADER_USER);
        return new Requester(user, forwarded == null || forwarded.isEmpty());
    }
}
