package io.berth.apiserver.storage;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.StatusErrors;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.EtcdException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Maps etcd client failures to the Status a Kubernetes API server answers with. */
public final class EtcdErrors {

    private EtcdErrors() {
    }

    public static RuntimeException translate(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof ApiException api) {
            return api;
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof CompactedException || message.contains("required revision has been compacted")) {
            return StatusErrors.expired("The resourceVersion for the provided list is too old.");
        }
        if (message.contains("request is too large")) {
            return StatusErrors.tooLarge("Request entity too large: etcdserver: request is too large");
        }
        if (message.contains("future revision")) {
            return StatusErrors.timeout("Too large resource version");
        }
        if (e instanceof EtcdException etcd) {
            switch (etcd.getErrorCode()) {
                case UNAVAILABLE:
                    return StatusErrors.serviceUnavailable("etcd is unavailable: " + message);
                case DEADLINE_EXCEEDED:
                    return StatusErrors.timeout("etcd did not answer in time: " + message);
                default:
                    break;
            }
        }
        return StatusErrors.internal("etcd: " + message);
    }

    public static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
