namespace PocDirectory.AppHost.Hosting;

/// <summary>A database inside a <see cref="PostgresServer"/>; its state is the server's.</summary>
public sealed class PostgresDatabase(string name, PostgresServer server) : IResourceWithConnectionString
{
    public string Name { get; } = name;

    public PostgresServer Server { get; } = server;

    public Resource Owner => Server;

    public ResourceState State => Server.State;

    public int? Pid => null;

    public string? Url => null;

    public string ConnectionString => Server.ConnectionString(Name);
}
