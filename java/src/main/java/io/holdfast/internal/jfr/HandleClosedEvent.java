package io.holdfast.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A handle left a loop's table: its close was delivered, or it moved to a new owner. */
@Name("io.holdfast.HandleClosed")
@Label("Handle Closed")
@Category("Holdfast")
@Description("A handle left its event loop: closed, or moved to a new owner")
@StackTrace(false)
public final class HandleClosedEvent extends jdk.jfr.Event {
  @Label("Loop")
  public String loop;

  @Label("Type")
  public String handleType;

  @Label("Token")
  public String token;

  @Label("Reason")
  @Description("closed or moved")
  public String reason;

  @Label("Bytes Read")
  @DataAmount
  public long bytesRead;

  @Label("Bytes Written")
  @DataAmount
  public long bytesWritten;

  @Label("Age")
  @Timespan(Timespan.NANOSECONDS)
  public long age;
}
