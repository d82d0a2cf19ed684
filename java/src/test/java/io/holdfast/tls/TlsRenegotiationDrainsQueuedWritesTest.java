package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A TLS 1.2 renegotiation started by the peer while our writes are queued: the engine needs the
 * peer's handshake messages before it sends more, and the queue must drain once they arrive.
 */
class TlsRenegotiationDrainsQueuedWritesTest {
  @Test
  @Timeout(90)
  void peerServerRenegotiatesWhileOurClientHasQueuedWrites() throws Exception {
    QueuedWritesScenario.Outcome o = QueuedWritesScenario.run(true, "TLSv1.2", true);
    assertTrue(o.queuedWhenPeerActed() >= 1024 * 1024, "queued: " + o.queuedWhenPeerActed());
    assertEquals(2, o.peerHandshakes(), "the peer completed a second handshake");
    assertTrue(o.postHandshakeMessages() >= 1, "our engine handled the renegotiation");
  }

  @Test
  @Timeout(90)
  void peerClientRenegotiatesWhileOurServerHasQueuedWrites() throws Exception {
    QueuedWritesScenario.Outcome o = QueuedWritesScenario.run(false, "TLSv1.2", true);
    assertTrue(o.queuedWhenPeerActed() >= 1024 * 1024, "queued: " + o.queuedWhenPeerActed());
    assertEquals(2, o.peerHandshakes(), "the peer completed a second handshake");
    assertTrue(o.postHandshakeMessages() >= 1, "our engine handled the renegotiation");
  }
}
