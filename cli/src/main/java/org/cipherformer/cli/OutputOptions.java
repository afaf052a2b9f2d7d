package org.cipherformer.cli;

import picocli.CommandLine.Option;

/** --quiet and --verbose, on every command. */
final class OutputOptions {
  @Option(names = {"-q", "--quiet"}, description = "No progress bars (they are also off when stderr is not a terminal).")
  boolean quiet;

  @Option(names = "--verbose", description = "Print the stack trace of an error.")
  boolean verbose;

  /** Progress bars only on a terminal and without --quiet. */
  boolean progress() {
    return !quiet && System.console() != null;
  }
}
