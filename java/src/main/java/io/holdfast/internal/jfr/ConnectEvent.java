package io.holdfast.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** An outgoing connect, from the call to its outcome (the event's duration). */
@Name("io.holdfast.Connect")
@Label("Connect")
@Category("Holdfast")
@Description("An outgoing connect, from the call to its outcome")
@StackTrace(true)
public final class ConnectEvent extends jdk.jfr.Event {
  @Label("Type")
  public String handleType;

  @Label("Token")
  public String token;

  @Label("Remote Address")
  public String remoteAddress;

  @Label("Local Address")
  public String localAddress;

  @Label("Error")
  @Description("The failure, or null when connected")
  public String error;
}
