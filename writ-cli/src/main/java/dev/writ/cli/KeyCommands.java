package dev.writ.cli;

import dev.writ.core.PublicKeyVerifier;
import dev.writ.core.SignatureAlgorithm;
import dev.writ.sign.FileKeystore;
import dev.writ.sign.SigningException;
import dev.writ.sign.SoftwareKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "key",
    mixinStandardHelpOptions = true,
    description = "Operator signing keys: in an encrypted file, or inside a PKCS#11 token.",
    subcommands = {KeyCommands.Generate.class, KeyCommands.Show.class})
final class KeyCommands implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static SignatureAlgorithm algorithm(String s) throws CliException {
    return SignatureAlgorithm.fromWire(s)
        .orElseThrow(
            () ->
                new CliException(
                    "unknown algorithm \""
                        + s
                        + "\"; use ed25519, ecdsa-p256-sha256 or ml-dsa-65"));
  }

  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description = {
        "Generate a signing key and print its key id.",
        "File keys are PKCS#8 encrypted with PBES2 (scrypt, AES-256-CBC), written with mode 0600.",
        "With --pkcs11 the key is generated inside the token and never leaves it."
      })
  static final class Generate implements Callable<Integer> {
    private final WritCli.Env env;

    @Option(
        names = "--alg",
        defaultValue = "ed25519",
        paramLabel = "ALG",
        description = "ed25519 (default), ecdsa-p256-sha256 or ml-dsa-65 (file only).")
    String alg;

    @Option(
        names = {"-o", "--out"},
        paramLabel = "FILE",
        description = "Key file to create (file keystore).")
    Path out;

    @Option(names = "--pkcs11", description = "Generate inside a PKCS#11 token instead of a file.")
    boolean pkcs11;

    @Option(
        names = "--module",
        paramLabel = "LIB",
        description = "PKCS#11 module (default: SoftHSM2's).")
    Path module;

    @Option(names = "--token", paramLabel = "LABEL", description = "PKCS#11 token label.")
    String token;

    @Option(names = "--label", paramLabel = "LABEL", description = "Key label inside the token.")
    String label;

    @Option(
        names = "--public-out",
        paramLabel = "FILE",
        description = "Also write the public key PEM here.")
    Path publicOut;

    @Mixin KeyOptions secrets;

    Generate(WritCli.Env env) {
      this.env = env;
    }

    @Override
    public Integer call() throws CliException {
      SignatureAlgorithm algorithm = algorithm(alg);
      try {
        byte[] spki;
        if (pkcs11) {
          if (token == null || label == null) {
            throw new CliException("--pkcs11 needs --token and --label");
          }
          Path lib = module == null ? Pkcs11Keys.defaultModule() : module;
          spki =
              Pkcs11Keys.generate(
                  lib, token, env.secrets().pin(secrets.pin(), token), algorithm, label);
          env.out().println("pkcs11:token=" + token + ";label=" + label);
        } else {
          if (out == null) {
            throw new CliException("give --out FILE (or --pkcs11)");
          }
          if (Files.exists(out)) {
            throw new CliException(out + " exists; refusing to overwrite a key");
          }
          char[] password = env.secrets().password(secrets.password(), out.toString(), true);
          try (SoftwareKey key = SoftwareKey.generate(algorithm, env.random())) {
            new FileKeystore(env.random()).write(out, key, password);
            spki = key.publicKeySpki();
          } finally {
            Arrays.fill(password, '\0');
          }
          env.out().println(out);
        }
        if (publicOut != null) {
          Files2.writeString(publicOut, PublicKeyFiles.pem(spki));
        }
        env.out()
            .println("keyid " + dev.writ.core.KeyId.ofSpki(spki) + " (" + algorithm.wire() + ")");
        return WritCli.OK;
      } catch (SigningException e) {
        throw new CliException(e.getMessage(), e);
      }
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Print a key file's key id, algorithm and public key.")
  static final class Show implements Callable<Integer> {
    private final WritCli.Env env;

    @Parameters(index = "0", paramLabel = "FILE", description = "Key file or public-key PEM.")
    Path file;

    Show(WritCli.Env env) {
      this.env = env;
    }

    @Override
    public Integer call() throws CliException {
      PublicKeyVerifier k = PublicKeyFiles.read(file);
      env.out().println("keyid     " + k.keyId());
      env.out().println("algorithm " + k.algorithm().wire());
      env.out().print(PublicKeyFiles.pem(k.spki()));
      return WritCli.OK;
    }
  }
}
