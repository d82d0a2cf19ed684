package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.internal.Errors;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Java's error table is the native one, and native codes become the JDK's exception types. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ErrorTableMatchesNativeTest {
  /** Largest errno the kernel may return (Linux's MAX_ERRNO). */
  private static final int MAX_ERRNO = 4095;

  @Test
  void namesAreUniqueAndCodesAreInTheirRanges() {
    Map<Integer, String> table = Errors.table();
    assertTrue(table.size() > 10, "table: " + table);
    Set<String> names = new HashSet<>();
    for (Map.Entry<Integer, String> e : table.entrySet()) {
      int code = e.getKey();
      String name = e.getValue();
      assertTrue(names.add(name), "name " + name + " appears twice");
      assertTrue(code < 0, name + " = " + code + " is not negative");
      if (name.startsWith("HF_")) {
        assertTrue(code < -MAX_ERRNO, name + " = " + code + " is inside the errno range");
      } else {
        assertTrue(name.matches("E[A-Z0-9]+"), "odd errno name " + name);
        assertTrue(code >= -MAX_ERRNO, name + " = " + code + " is outside the errno range");
      }
      assertEquals(name, Errors.name(code));
    }
    assertTrue(Errors.STALE < -MAX_ERRNO, "HF_ESTALE = " + Errors.STALE);
    assertTrue(Errors.name(-99_999).startsWith("UNKNOWN"), Errors.name(-99_999));
  }

  @Test
  void tableHasExactlyTheHeadersNames() throws IOException {
    String header = Files.readString(header(), StandardCharsets.UTF_8);
    Set<String> expected = new LinkedHashSet<>();
    Matcher errnoMap = Pattern.compile("#define HF_ERRNO_MAP\\(XX\\)((?:[^\\n]*\\\\\\n)*[^\\n]*)")
        .matcher(header);
    assertTrue(errnoMap.find(), "HF_ERRNO_MAP not found in holdfast.h");
    Matcher xx = Pattern.compile("XX\\((E[A-Z0-9]+)\\)").matcher(errnoMap.group(1));
    while (xx.find()) expected.add(xx.group(1));
    Matcher ownMap = Pattern.compile("#define HF_OWN_ERR_MAP\\(XX\\)((?:[^\\n]*\\\\\\n)*[^\\n]*)")
        .matcher(header);
    assertTrue(ownMap.find(), "HF_OWN_ERR_MAP not found in holdfast.h");
    Matcher own = Pattern.compile("XX\\((HF_[A-Z0-9_]+),\\s*(-?\\d+)").matcher(ownMap.group(1));
    int ownCount = 0;
    while (own.find()) {
      expected.add(own.group(1));
      ownCount++;
      int code = Integer.parseInt(own.group(2));
      assertEquals(own.group(1), Errors.name(code), "code " + code + " of the header");
    }
    assertTrue(ownCount >= 4, "own codes parsed: " + ownCount);
    assertEquals(expected, new HashSet<>(Errors.table().values()),
        "Java's table (from the library) vs holdfast.h");
  }

  @Test
  void javaConstantsMatchTheirNames() throws IllegalAccessException {
    Map<String, String> renamed = Map.of(
        "STALE", "HF_ESTALE", "EOF", "HF_EOF",
        "WRONG_TYPE", "HF_EWRONGTYPE", "BUSY_STATE", "HF_EBUSYSTATE");
    int checked = 0;
    for (Field f : Errors.class.getFields()) {
      if (f.getType() != int.class || !Modifier.isStatic(f.getModifiers())) continue;
      String name = renamed.getOrDefault(f.getName(), f.getName());
      int code = f.getInt(null);
      assertEquals(name, Errors.name(code), "Errors." + f.getName() + " = " + code);
      checked++;
    }
    assertTrue(checked >= 15, "constants checked: " + checked);
    assertEquals("HF_ESTALE", Errors.name(Errors.STALE));
    assertEquals("HF_EOF", Errors.name(Errors.EOF));
    assertEquals("ECONNREFUSED", Errors.name(Errors.ECONNREFUSED));
    assertEquals("EADDRINUSE", Errors.name(Errors.EADDRINUSE));
    assertEquals("ECANCELED", Errors.name(Errors.ECANCELED));
    if (System.getProperty("os.name").startsWith("Linux")) {
      assertEquals(-111, Errors.ECONNREFUSED, "Linux ECONNREFUSED");
      assertEquals(-98, Errors.EADDRINUSE, "Linux EADDRINUSE");
      assertEquals(-104, Errors.ECONNRESET, "Linux ECONNRESET");
      assertEquals(-32, Errors.EPIPE, "Linux EPIPE");
    }
  }

  @Test
  void refusedConnectBecomesConnectExceptionWithTheFacts() {
    InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
    IOException e = Errors.exception(Errors.ECONNREFUSED, "connect", to);
    assertInstanceOf(ConnectException.class, e);
    NativeIOException facts = assertInstanceOf(NativeIOException.class, e.getCause());
    assertEquals("ECONNREFUSED", facts.code());
    assertEquals(-Errors.ECONNREFUSED, facts.errno());
    assertEquals("connect", facts.syscall());
    assertEquals(to, facts.address());
    assertTrue(e.getMessage().contains("connect ECONNREFUSED 127.0.0.1:9"), e.getMessage());
    assertSame(facts, Errors.facts(e));
  }

  @Test
  void addressInUseOnBindBecomesBindException() {
    InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
    IOException e = Errors.exception(Errors.EADDRINUSE, "bind", at);
    assertInstanceOf(BindException.class, e);
    NativeIOException facts = assertInstanceOf(NativeIOException.class, e.getCause());
    assertEquals("EADDRINUSE", facts.code());
    assertEquals("bind", facts.syscall());
    assertTrue(e.getMessage().contains("bind EADDRINUSE 127.0.0.1:8080"), e.getMessage());
  }

  @Test
  void otherCodesStayNativeIOExceptionsAndCancelIsItsOwnType() {
    IOException reset = Errors.exception(Errors.ECONNRESET, "read", null);
    NativeIOException facts = assertInstanceOf(NativeIOException.class, reset);
    assertEquals("ECONNRESET", facts.code());
    assertEquals("read", facts.syscall());
    assertSame(facts, Errors.facts(reset));
    // Same code, different operation: not a ConnectException.
    IOException refusedRead = Errors.exception(Errors.ECONNREFUSED, "read", null);
    assertEquals(NativeIOException.class, refusedRead.getClass());
    assertInstanceOf(OperationCanceledException.class,
        Errors.exception(Errors.ECANCELED, "write", null));
    assertNotNull(Errors.exception(-99_999, "write", null).getMessage());
  }

  /** Finds native/include/holdfast.h from the module directory or the repository root. */
  private static Path header() {
    String base = System.getProperty("basedir", System.getProperty("user.dir"));
    for (String candidate : new String[] {"../native/include/holdfast.h",
        "native/include/holdfast.h"}) {
      Path p = Paths.get(base).resolve(candidate).normalize();
      if (Files.isRegularFile(p)) return p;
    }
    throw new AssertionError("holdfast.h not found from " + base);
  }
}
