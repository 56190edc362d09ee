namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>The store fault specs run one after another: each loads the two cores with 20 visitors and a server.</summary>
[CollectionDefinition(Name)]
public sealed class StoreFaultCollection
{
    public const string Name = "store faults";
}
