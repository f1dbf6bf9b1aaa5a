package io.berth.apiserver.storage;

/**
 * Transforms stored values on their way to and from etcd: identity today, AES-GCM for Secrets when encryption at
 * rest lands ({@code k8s:enc:aesgcm:v1:<key>:} prefix). Implementations are thread safe.
 */
public interface ValueTransformer {

    ValueTransformer IDENTITY = new ValueTransformer() {
        @Override
        public byte[] toStorage(byte[] plain, String key) {
            return plain;
        }

        @Override
        public byte[] fromStorage(byte[] stored, String key) {
            return stored;
        }
    };

    byte[] toStorage(byte[] plain, String key);

    byte[] fromStorage(byte[] stored, String key);
}
