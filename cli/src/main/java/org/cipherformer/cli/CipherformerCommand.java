package org.cipherformer.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The root command: only subcommands. */
@Command(name = "cipherformer", mixinStandardHelpOptions = true, version = "cipherformer 0.1.0",
    description = "Private transformer inference: the server sees only CKKS ciphertexts (SEAL 4.1 compatible).",
    subcommands = {ServerCommand.class, ModelsCommand.class, KeygenCommand.class, ClassifyCommand.class,
        NextTokenCommand.class, PlanSubcommand.class, DemoCommand.class, BenchCommand.class, EeKeygenCommand.class,
        EeTransformCommand.class, GenerateCommand.class, ThreatsCommand.class},
    footer = {"", "Start with `cipherformer demo` (embedded server + client, shipped model and samples)."})
final class CipherformerCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a command is needed: "
        + String.join(", ", spec.subcommands().keySet()));
  }
}
