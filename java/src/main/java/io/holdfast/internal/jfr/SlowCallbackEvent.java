package io.holdfast.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A callback (or queued task) ran on the loop thread for longer than the loop's threshold. */
@Name("io.holdfast.SlowCallback")
@Label("Slow Callback")
@Category("Holdfast")
@Description("A callback or task held its event loop's thread longer than the threshold")
@StackTrace(false)
public final class SlowCallbackEvent extends jdk.jfr.Event {
  @Label("Loop")
  public String loop;

  @Label("Handle")
  @Description("The handle whose callback ran, e.g. TcpStream #3.1, or task")
  public String handle;

  @Label("Kind")
  @Description("What was dispatched: read, write, connect, accept, timer, task, ...")
  public String kind;

  @Label("Callback Duration")
  @Timespan(Timespan.NANOSECONDS)
  public long callbackDuration;

  @Label("Threshold")
  @Timespan(Timespan.NANOSECONDS)
  public long threshold;
}
