package io.holdfast.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A listener accepted a connection (or failed to). */
@Name("io.holdfast.Accept")
@Label("Accept")
@Category("Holdfast")
@Description("A listener accepted a connection, or reported an accept error")
@StackTrace(false)
public final class AcceptEvent extends jdk.jfr.Event {
  @Label("Listener Type")
  public String listenerType;

  @Label("Listener Token")
  public String listenerToken;

  @Label("Local Address")
  public String localAddress;

  @Label("Stream Token")
  @Description("Token of the accepted stream, or null on error")
  public String streamToken;

  @Label("Remote Address")
  public String remoteAddress;

  @Label("Error")
  public String error;
}
