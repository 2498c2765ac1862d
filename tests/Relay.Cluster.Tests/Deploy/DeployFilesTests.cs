using System.Reflection;
using System.Text.RegularExpressions;
using Relay.Hosting;
using YamlDotNet.RepresentationModel;

namespace Relay.Cluster.Tests.Deploy;

/// <summary>
/// deploy/ as a reviewer would check it without Docker or a cluster: every YAML file parses, the compose file and the
/// manifests name only images that the Dockerfiles build, the Dockerfiles are multi-stage and run as non-root, the
/// silo Deployment has what the operations guide promises, and every Relay setting they set exists.
/// </summary>
public sealed partial class DeployFilesTests
{
    private static readonly string Deploy = Path.Combine(Artifacts.RepoRoot, "deploy");

    public static TheoryData<string> YamlFiles() =>
        [.. Directory.EnumerateFiles(Deploy, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Deploy, f))];

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void Every_yaml_file_parses(string file)
    {
        var documents = Load(file);
        documents.ShouldNotBeEmpty();
        documents.ShouldAllBe(d => d.RootNode is YamlMappingNode);
    }

    [Fact]
    public void The_compose_file_builds_every_image_it_names_from_a_dockerfile_here()
    {
        var built = BuiltImages();
        built.Keys.Order().ShouldBe(["relay-azurite", "relay-netserver-emulator", "relay-silo", "relay-web"]);
        foreach (var (image, dockerfile) in built)
        {
            File.Exists(Path.Combine(Deploy, dockerfile)).ShouldBeTrue($"{image} is built from deploy/{dockerfile}");
        }

        var services = Map(Root("docker-compose.yml"), "services");
        services.Children.Values.Cast<YamlMappingNode>().Select(s => Image(Scalar(s, "image")))
            .ShouldAllBe(i => built.ContainsKey(i), "every compose service runs an image built here");
    }

    [Fact]
    public void The_kubernetes_manifests_name_only_images_the_dockerfiles_build()
    {
        var built = BuiltImages();
        var images = Manifests().SelectMany(Containers).Select(c => Image(Scalar(c, "image"))).ToList();
        images.ShouldNotBeEmpty();
        images.ShouldAllBe(i => built.ContainsKey(i));
        var kustomized = (YamlSequenceNode)Root(Path.Combine("kubernetes", "kustomization.yaml")).Children[new YamlScalarNode("images")];
        kustomized.Children.Cast<YamlMappingNode>().Select(i => Scalar(i, "name")).ShouldAllBe(i => built.ContainsKey(i));
    }

    [Theory]
    [InlineData("silo.Dockerfile")]
    [InlineData("web.Dockerfile")]
    [InlineData("netserver-emulator.Dockerfile")]
    [InlineData("azurite.Dockerfile")]
    public void Dockerfiles_are_multi_stage_run_as_non_root_and_copy_files_that_exist(string dockerfile)
    {
        var lines = File.ReadAllLines(Path.Combine(Deploy, "docker", dockerfile));
        var stages = lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal));
        stages.ShouldBeGreaterThanOrEqualTo(2, "a build stage and a smaller runtime stage");
        var runtime = lines.SkipWhile((_, i) => i <= Array.FindLastIndex(lines, l => l.StartsWith("FROM ", StringComparison.Ordinal))).ToList();
        var user = runtime.LastOrDefault(l => l.StartsWith("USER ", StringComparison.Ordinal));
        user.ShouldNotBeNull("the runtime stage names its user");
        user.Split(' ')[1].ShouldNotBeOneOf("root", "0");
        foreach (var source in lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal))
                     .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1]))
        {
            Path.Exists(Path.Combine(Artifacts.RepoRoot, source)).ShouldBeTrue($"{dockerfile} copies {source} from the repository root");
        }
    }

    [Theory]
    [InlineData("silo.Dockerfile")]
    [InlineData("web.Dockerfile")]
    [InlineData("netserver-emulator.Dockerfile")]
    public void A_Dockerfile_copies_every_project_the_published_project_references(string dockerfile)
    {
        var lines = File.ReadAllLines(Path.Combine(Deploy, "docker", dockerfile));
        var copied = lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1])
            .Select(p => p.TrimEnd('/'))
            .ToHashSet(StringComparer.Ordinal);
        var published = lines.Single(l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal)).Split(' ')[3];

        foreach (var project in WithReferences(published))
        {
            var folder = Path.GetDirectoryName(project)!.Replace('\\', '/');
            copied.ShouldContain(folder, $"{dockerfile} publishes {published}, which needs {project}");
        }
    }

    /// <summary>A project and every project it references, transitively, as paths from the repository root.</summary>
    private static HashSet<string> WithReferences(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            var folder = Path.GetDirectoryName(current)!;
            foreach (var reference in System.Xml.Linq.XDocument.Load(Path.Combine(Artifacts.RepoRoot, current)).Descendants("ProjectReference"))
            {
                var path = Path.GetRelativePath(Artifacts.RepoRoot, Path.GetFullPath(Path.Combine(Artifacts.RepoRoot, folder, ((string)reference.Attribute("Include")!).Replace('\\', '/'))));
                pending.Push(path.Replace('\\', '/'));
            }
        }

        return seen;
    }

    [Fact]
    public void The_silo_deployment_advertises_its_pod_probes_health_shuts_down_gracefully_and_needs_no_kubernetes_api()
    {
        var manifests = Manifests().ToList();
        manifests.Select(m => Scalar(m, "kind")).Intersect(["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ServiceAccount"]).ShouldBeEmpty();
        var silo = manifests.Single(m => Scalar(m, "kind") == "Deployment" && Scalar(Map(m, "metadata"), "name") == "relay-silo");
        var pod = Map(Map(Map(silo, "spec"), "template"), "spec");
        Scalar(pod, "automountServiceAccountToken").ShouldBe("false");
        int.Parse(Scalar(pod, "terminationGracePeriodSeconds"), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(120);
        var container = Containers(silo).Single();
        Scalar(Map(Map(container, "startupProbe"), "httpGet"), "path").ShouldBe("/health/startup");
        Scalar(Map(Map(container, "readinessProbe"), "httpGet"), "path").ShouldBe("/health/ready");
        Scalar(Map(Map(container, "livenessProbe"), "httpGet"), "path").ShouldBe("/health/live");
        var fieldRefs = ((YamlSequenceNode)container.Children[new YamlScalarNode("env")]).Children.Cast<YamlMappingNode>()
            .Where(e => e.Children.ContainsKey(new YamlScalarNode("valueFrom")))
            .ToDictionary(e => Scalar(e, "name"), e => Scalar(Map(Map(e, "valueFrom"), "fieldRef"), "fieldPath"));
        fieldRefs.ShouldBe(new Dictionary<string, string> { ["Relay__Orleans__AdvertisedIPAddress"] = "status.podIP", ["Relay__Orleans__SiloName"] = "metadata.name" });
        var budget = manifests.Single(m => Scalar(m, "kind") == "PodDisruptionBudget");
        Scalar(Map(Map(Map(budget, "spec"), "selector"), "matchLabels"), "app.kubernetes.io/name").ShouldBe("relay-silo");
    }

    [Fact]
    public void The_network_policies_open_the_silo_ports_only_to_silos_and_web_pods_and_web_http_only_to_the_ingress()
    {
        var manifests = Manifests().ToList();
        Resources().ShouldContain("network-policy.yaml");
        var silo = Deployment(manifests, "relay-silo");
        var web = Deployment(manifests, "relay-web");
        var siloPorts = ContainerPorts(silo);
        siloPorts.Keys.Order().ShouldBe(["gateway", "http", "silo"]);

        var siloPolicy = Policy(manifests, PodLabels(silo));
        var rules = Rules(siloPolicy);
        rules.Select(r => r.Port).Order().ShouldBe(siloPorts.Values.Order(), "the silo policy names every port the silo opens, and no other");
        rules.Single(r => r.Port == siloPorts["silo"]).From.ShouldBe([$"pods {Label(PodLabels(silo))}"]);
        rules.Single(r => r.Port == siloPorts["gateway"]).From.ShouldBe([$"pods {Label(PodLabels(web))}"]);
        rules.Single(r => r.Port == siloPorts["http"]).From.ShouldBe(["namespace monitoring"]);

        var webRules = Rules(Policy(manifests, PodLabels(web)));
        webRules.Select(r => r.Port).ShouldBe([ContainerPorts(web)["http"]]);
        webRules.Single().From.ShouldBe(["namespace ingress-nginx", "namespace monitoring"]);
    }

    [Fact]
    public void Every_relay_setting_in_deploy_is_a_real_setting()
    {
        var keys = Directory.EnumerateFiles(Deploy, "*", SearchOption.AllDirectories)
            .SelectMany(f => SettingKey().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetRelativePath(Deploy, f), Key: m.Value)))
            .Distinct().ToList();
        keys.Count.ShouldBeGreaterThan(10);
        keys.Where(k => !IsSetting(k.Key)).Select(k => $"{k.File}: {k.Key}").ShouldBeEmpty();
    }

    /// <summary>
    /// Whether <c>Relay__A__B</c> names a property path of <see cref="RelayOptions"/> (the domain's settings), of
    /// <see cref="RelayHostOptions"/> (the hosts' shared settings) or of the web host's own sections.
    /// </summary>
    private static bool IsSetting(string key)
    {
        var parts = key.Split("__")[1..];
        if (parts is ["Operator", "ApiKey" or "MetricsKey"] or ["Web", "CoHostSilo"] or ["Web", "ForwardedHeaders", "KnownProxies" or "KnownNetworks" or "ForwardLimit"]
            or ["Web", "Hsts", "MaxAgeDays" or "IncludeSubDomains"] or ["Web", "Recovery", "Budget" or "RetryAfter"])
        {
            return true;
        }

        // Sections bound to options of their own: Relay:Crm:Retry is CrmRetryOptions, Relay:Online is OnlineOptions.
        return IsPropertyPath(typeof(RelayOptions), parts) || IsPropertyPath(typeof(RelayHostOptions), parts)
            || (parts is ["Crm", "Retry", var retry] && IsPropertyPath(typeof(Relay.Resilience.CrmRetryOptions), [retry]))
            || (parts is ["Online", var online] && IsPropertyPath(typeof(Relay.Crm.Online.OnlineOptions), [online]))
            || parts is ["Online", "Environments", _];
    }

    private static bool IsPropertyPath(Type type, string[] parts)
    {
        foreach (var part in parts)
        {
            var property = type.GetProperty(part, BindingFlags.Public | BindingFlags.Instance);
            if (property is null)
            {
                return false;
            }

            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        }

        // A list setting (Relay__Crm__AllowedHosts__0) is read here without its index.
        type = type.IsArray ? type.GetElementType()! : type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(TimeSpan);
    }

    private static YamlMappingNode Deployment(List<YamlMappingNode> manifests, string name) =>
        manifests.Single(m => Scalar(m, "kind") == "Deployment" && Scalar(Map(m, "metadata"), "name") == name);

    private static Dictionary<string, int> ContainerPorts(YamlMappingNode deployment) =>
        Containers(deployment).SelectMany(c => Seq(c, "ports"))
            .ToDictionary(p => Scalar(p, "name"), p => int.Parse(Scalar(p, "containerPort"), System.Globalization.CultureInfo.InvariantCulture));

    private static Dictionary<string, string> PodLabels(YamlMappingNode deployment) => Labels(Map(Map(Map(deployment, "spec"), "template"), "metadata"), "labels");

    private static Dictionary<string, string> Labels(YamlMappingNode node, string key) =>
        Map(node, key).Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value!);

    private static string Label(Dictionary<string, string> podLabels) => $"app.kubernetes.io/name={podLabels["app.kubernetes.io/name"]}";

    /// <summary>The NetworkPolicy whose pod selector picks the pods with <paramref name="podLabels"/>.</summary>
    private static YamlMappingNode Policy(List<YamlMappingNode> manifests, Dictionary<string, string> podLabels) =>
        manifests.Where(m => Scalar(m, "kind") == "NetworkPolicy")
            .Single(p => Labels(Map(Map(p, "spec"), "podSelector"), "matchLabels").All(l => podLabels.GetValueOrDefault(l.Key) == l.Value));

    /// <summary>Each allowed port of the policy with its sources, as "pods name=value" (labels other pods must carry) or "namespace name".</summary>
    private static List<(int Port, List<string> From)> Rules(YamlMappingNode policy)
    {
        ((YamlSequenceNode)Map(policy, "spec").Children[new YamlScalarNode("policyTypes")]).Children.Select(t => ((YamlScalarNode)t).Value).ShouldBe(["Ingress"]);
        return [.. ((YamlSequenceNode)Map(policy, "spec").Children[new YamlScalarNode("ingress")]).Children.Cast<YamlMappingNode>().SelectMany(rule =>
        {
            var from = Seq(rule, "from").Select(f => f.Children.ContainsKey(new YamlScalarNode("podSelector"))
                ? $"pods {string.Join(",", Labels(Map(f, "podSelector"), "matchLabels").Select(l => $"{l.Key}={l.Value}"))}"
                : $"namespace {Labels(Map(f, "namespaceSelector"), "matchLabels")["kubernetes.io/metadata.name"]}").ToList();
            return Seq(rule, "ports").Select(p => (int.Parse(Scalar(p, "port"), System.Globalization.CultureInfo.InvariantCulture), from));
        })];
    }

    private static IEnumerable<YamlMappingNode> Seq(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var items) ? ((YamlSequenceNode)items).Children.OfType<YamlMappingNode>() : [];

    private static IEnumerable<string> Resources() =>
        ((YamlSequenceNode)Root(Path.Combine("kubernetes", "kustomization.yaml")).Children[new YamlScalarNode("resources")]).Children.Select(r => ((YamlScalarNode)r).Value!);

    /// <summary>Image name (without tag) → the Dockerfile (relative to deploy/) that builds it, from the compose file.</summary>
    private static Dictionary<string, string> BuiltImages() =>
        Map(Root("docker-compose.yml"), "services").Children.Values.Cast<YamlMappingNode>()
            .Where(s => s.Children.ContainsKey(new YamlScalarNode("build")))
            .ToDictionary(s => Image(Scalar(s, "image")), s => Path.GetRelativePath(Deploy, Path.Combine(Artifacts.RepoRoot, Scalar(Map(s, "build"), "dockerfile"))));

    private static IEnumerable<YamlMappingNode> Manifests() =>
        Directory.EnumerateFiles(Path.Combine(Deploy, "kubernetes"), "*.yaml")
            .Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal))
            .SelectMany(f => Load(Path.GetRelativePath(Deploy, f)))
            .Select(d => (YamlMappingNode)d.RootNode);

    private static IEnumerable<YamlMappingNode> Containers(YamlMappingNode manifest) =>
        Scalar(manifest, "kind") == "Deployment"
            ? ((YamlSequenceNode)Map(Map(Map(manifest, "spec"), "template"), "spec").Children[new YamlScalarNode("containers")]).Children.Cast<YamlMappingNode>()
            : [];

    private static List<YamlDocument> Load(string file)
    {
        var yaml = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(Path.Combine(Deploy, file)));
        yaml.Load(reader);
        return [.. yaml.Documents];
    }

    private static YamlMappingNode Root(string file) => (YamlMappingNode)Load(file).Single().RootNode;

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value!;

    private static string Image(string reference) => reference.Split(':')[0];

    [GeneratedRegex(@"\bRelay__[A-Za-z_]+[A-Za-z]")]
    private static partial Regex SettingKey();
}
