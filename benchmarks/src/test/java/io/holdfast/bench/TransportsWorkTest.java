package io.holdfast.bench;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each transport does each workload a few times: the echo returns the right bytes (the client
 * checks every byte), streaming arrives whole, churn completes, wake-ups run. Small and bounded.
 */
@Timeout(60)
class TransportsWorkTest {
  @ParameterizedTest
  @ValueSource(strings = {"holdfast", "netty", "nio"})
  void pingPongEchoesTheMessage(String name) throws Exception {
    try (Transport t = Transport.create(name)) {
      t.start(Transport.ServerKind.ECHO, 1, 1, 1);
      t.pingPong(64, 20);
      t.pingPong(1000, 5); // several reads per echo on some transports
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"holdfast", "netty", "nio"})
  void loopGroupOfTwoServesEveryConnection(String name) throws Exception {
    try (Transport t = Transport.create(name)) {
      t.start(Transport.ServerKind.ECHO, 2, 2, 4);
      t.pingPong(64, 10);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"holdfast", "netty", "nio"})
  void streamingArrivesWhole(String name) throws Exception {
    try (Transport t = Transport.create(name)) {
      t.start(Transport.ServerKind.SINK, 1, 1, 3);
      t.stream(8);
      t.stream(8); // the second batch's target builds on the first
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"holdfast", "netty", "nio"})
  void churnAndWakeUpComplete(String name) throws Exception {
    try (Transport t = Transport.create(name)) {
      t.start(Transport.ServerKind.ECHO, 1, 1, 0);
      t.churn(20);
      t.churn(20);
      for (int i = 0; i < 100; i++) t.wakeUp();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"holdfast", "netty", "nio"})
  void udpPingPongEchoesTheDatagram(String name) throws Exception {
    try (UdpPingPong u = UdpPingPong.create(name)) {
      u.start();
      u.roundTrips(64, 20);
      u.roundTrips(1000, 5);
    }
  }

  @org.junit.jupiter.api.Test
  void emptyNativeIsCallableThroughJniAndJna() {
    JniBenchmark b = new JniBenchmark();
    assertDoesNotThrow(() -> {
      b.setUp();
      b.jni();
      b.jnaDirect();
      b.jnaInterface();
    });
  }
}
