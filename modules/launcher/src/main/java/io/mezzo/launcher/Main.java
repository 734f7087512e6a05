package io.mezzo.launcher;

import io.mezzo.common.component.Component;
import io.mezzo.common.component.ComponentRegistry;
import io.mezzo.common.config.ConfigException;
import io.mezzo.common.config.ConfigLoader;
import io.mezzo.common.config.MezzoConfig;
import io.mezzo.common.http.PortInUseException;
import io.mezzo.state.ZkClients;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.LogManager;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

/** The {@code mezzo} command: {@code up}, {@code run <component>}, {@code components}, {@code version}. */
@Command(name = "mezzo", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
    description = "Mezzo, a data-center operating system in the DC/OS family.",
    subcommands = {Main.Up.class, Main.Run.class, Main.Components.class, Main.VersionCommand.class})
public final class Main implements Callable<Integer> {
  static final int EXIT_CONFIG = 2;
  static final int EXIT_FAILURE = 1;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    configureLogging();
    int code = new CommandLine(new Main()).setExecutionExceptionHandler((e, cmd, parsed) -> {
      new Console(System.out, System.err).problem(e.toString());
      return EXIT_FAILURE;
    }).execute(args);
    System.exit(code);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(System.out);
    return 0;
  }

  static void configureLogging() {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    try (InputStream in = Main.class.getResourceAsStream("/mezzo-logging.properties")) {
      if (in != null) {
        LogManager.getLogManager().readConfiguration(in);
      }
    } catch (Exception e) {
      System.err.println("mezzo: cannot configure logging: " + e);
    }
  }

  /** Options shared by the commands that start a node (a picocli mixin). */
  static class NodeOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration (default: built-in defaults, as in conf/mezzo.yaml)")
    Path config;

    @Option(names = "--set", paramLabel = "SECTION.KEY=VALUE", description = "Override one config key; repeatable")
    List<String> sets = new ArrayList<>();

    MezzoConfig load(ComponentRegistry registry, List<String> extra) {
      List<String> all = new ArrayList<>(extra);
      all.addAll(sets);
      return new ConfigLoader(registry).load(Optional.ofNullable(config), all, System.getenv());
    }
  }

  /** Runs a platform until SIGINT/SIGTERM, then stops it and exits 0. */
  static int runUntilSignalled(MezzoConfig config, List<Component> components) {
    Console console = new Console(System.out, System.err);
    Platform platform = new Platform(config, components, console);
    CountDownLatch signalled = new CountDownLatch(1);
    for (String name : List.of("INT", "TERM")) {
      Signal.handle(new Signal(name), s -> signalled.countDown());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(platform::stop, "mezzo-shutdown"));
    try {
      platform.start();
    } catch (PortInUseException | ZkClients.UnreachableException | IllegalStateException e) {
      console.problem(e.getMessage());
      platform.stop();
      return EXIT_FAILURE;
    } catch (ConfigException e) {
      console.problem(e.getMessage());
      platform.stop();
      return EXIT_CONFIG;
    } catch (Exception e) {
      console.problem("startup failed: " + e);
      platform.stop();
      return EXIT_FAILURE;
    }
    try {
      signalled.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    console.info("stopping");
    platform.stop();
    console.info("stopped");
    return 0;
  }

  @Command(name = "up", mixinStandardHelpOptions = true,
      description = "Start every component on this machine with an embedded ZooKeeper; Ctrl-C stops it all.")
  static final class Up implements Callable<Integer> {
    @CommandLine.Mixin
    NodeOptions node;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "State directory (default ~/.mezzo)")
    Path workDir;

    @Override
    public Integer call() {
      ComponentRegistry registry = ComponentRegistry.load();
      MezzoConfig config;
      try {
        config = node.load(registry, workDir == null ? List.of() : List.of("cluster.work_dir=" + workDir));
      } catch (ConfigException e) {
        new Console(System.out, System.err).problem("config: " + e.getMessage());
        return EXIT_CONFIG;
      }
      List<Component> enabled = registry.all().stream().filter(c -> config.component(c.name()).enabled()).toList();
      return runUntilSignalled(config, enabled);
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run one component in this JVM, joined to an external ZooKeeper (as systemd runs it).")
  static final class Run implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "COMPONENT", description = "The component to run; see 'mezzo components'")
    String name;

    @CommandLine.Mixin
    NodeOptions node;

    @Override
    public Integer call() {
      Console console = new Console(System.out, System.err);
      ComponentRegistry registry = ComponentRegistry.load();
      Optional<Component> component = registry.find(name);
      if (component.isEmpty()) {
        console.problem("unknown component '" + name + "' (known: " + String.join(", ", registry.names()) + ")");
        return EXIT_CONFIG;
      }
      MezzoConfig config;
      try {
        config = node.load(registry, List.of());
      } catch (ConfigException e) {
        console.problem("config: " + e.getMessage());
        return EXIT_CONFIG;
      }
      if (config.cluster().embeddedZk()) {
        console.problem("config: cluster.zk: 'mezzo run' joins an external ZooKeeper; set zk://host:port[,host:port]/path");
        return EXIT_CONFIG;
      }
      return runUntilSignalled(config, List.of(component.get()));
    }
  }

  @Command(name = "components", mixinStandardHelpOptions = true, description = "List the components, optionally those of one node role.")
  static final class Components implements Callable<Integer> {
    @Option(names = "--role", paramLabel = "ROLE", description = "master, agent or agent-public")
    String role;

    @Override
    public Integer call() {
      if (role != null && !List.of("master", "agent", "agent-public").contains(role)) {
        new Console(System.out, System.err).problem("unknown role '" + role + "' (known: master, agent, agent-public)");
        return EXIT_CONFIG;
      }
      for (Component c : ComponentRegistry.load().all()) {
        if (role == null || c.roles().contains(role)) {
          System.out.println(role == null ? String.format("%-14s %s", c.name(), c.title()) : c.name());
        }
      }
      return 0;
    }
  }

  @Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version.")
  static final class VersionCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.println(Version.line());
      return 0;
    }
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {Version.line()};
    }
  }
}
