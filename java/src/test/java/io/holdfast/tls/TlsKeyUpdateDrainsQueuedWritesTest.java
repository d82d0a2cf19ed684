package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A TLS 1.3 KeyUpdate (update requested) from the peer while our writes are queued: our engine
 * must answer with its own KeyUpdate, and the queue must drain.
 */
class TlsKeyUpdateDrainsQueuedWritesTest {
  @Test
  @Timeout(90)
  void peerServerUpdatesKeysWhileOurClientHasQueuedWrites() throws Exception {
    QueuedWritesScenario.Outcome o = QueuedWritesScenario.run(true, "TLSv1.3", false);
    assertTrue(o.queuedWhenPeerActed() >= 1024 * 1024, "queued: " + o.queuedWhenPeerActed());
    assertTrue(o.postHandshakeMessages() >= 1, "our engine answered the key update");
  }

  @Test
  @Timeout(90)
  void peerClientUpdatesKeysWhileOurServerHasQueuedWrites() throws Exception {
    QueuedWritesScenario.Outcome o = QueuedWritesScenario.run(false, "TLSv1.3", false);
    assertTrue(o.queuedWhenPeerActed() >= 1024 * 1024, "queued: " + o.queuedWhenPeerActed());
    assertTrue(o.postHandshakeMessages() >= 1, "our engine answered the key update");
  }
}
