namespace ActorSessions.Tests.Container;

/// <summary>
/// The table against a plain model, over thousands of random operations: any slip in the hand-made
/// lists or the slot index shows up as a difference.
/// </summary>
public sealed class SessionTableSpec
{
    private const int ProtectedCapacity = 40;
    private const long PromoteAfter = 50;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_operations_keep_the_table_equal_to_a_simple_model(int seed)
    {
        var random = new Random(seed);
        var table = new SessionTable(ProtectedCapacity, PromoteAfter);
        var model = new Dictionary<string, Model>();
        var ids = new SessionIdGenerator(20);
        long clock = 0;
        var demotions = 0;

        for (var step = 0; step < 20_000; step++)
        {
            clock++;
            var held = model.Keys.ToArray();
            switch (random.Next(20))
            {
                case < 6:
                    var id = ids.Next();
                    var data = RandomData(random);
                    table.Add(id, data, createdAtTicks: clock, timestamp: clock);
                    model[id] = new Model(clock, clock, Protected: false, SessionSize.Of(data), data.Count);
                    break;
                case < 11 when held.Length > 0:
                    // Often one of the newest, so that touches too young to protect are exercised as well.
                    var touched = random.Next(2) == 0 ? held[random.Next(held.Length)] : held[^random.Next(1, Math.Min(held.Length, 60) + 1)];
                    table.Touch(table.Find(touched), clock, clock);
                    demotions += TouchModel(model, touched, clock);
                    break;
                case < 14 when held.Length > 0:
                    var removed = held[random.Next(held.Length)];
                    table.Remove(table.Find(removed));
                    model.Remove(removed);
                    break;
                case < 16 when held.Length > 0:
                    // Eviction's order: probation's least recently touched, then protected's; never the one excepted.
                    var except = random.Next(2) == 0 ? SessionTable.None : table.Find(held[random.Next(held.Length)]);
                    var victim = table.NextVictim(except);
                    Assert.Equal(ExpectedVictim(model, except == SessionTable.None ? null : table[except].Id), victim == SessionTable.None ? null : table[victim].Id);
                    if (victim != SessionTable.None)
                    {
                        model.Remove(table[victim].Id!);
                        table.Remove(victim);
                    }

                    break;
                case < 17 when held.Length > 0:
                    var renamed = held[random.Next(held.Length)];
                    var newId = ids.Next();
                    table.Rename(table.Find(renamed), newId);
                    model[newId] = model[renamed];
                    model.Remove(renamed);
                    break;
                case < 19 when held.Length > 0:
                    var written = held[random.Next(held.Length)];
                    var newData = RandomData(random);
                    table.SetData(table.Find(written), newData);
                    model[written] = model[written] with { Bytes = SessionSize.Of(newData), Keys = newData.Count };
                    break;
                case 19:
                    // Warming reads ahead for a batch: held ids, unknown ids and gaps; it must change nothing.
                    var batch = Enumerable.Range(0, random.Next(1, 80))
                        .Select(_ => random.Next(3) switch
                        {
                            0 when held.Length > 0 => held[random.Next(held.Length)],
                            1 => ids.Next(),
                            _ => null,
                        })
                        .ToArray();
                    table.Warm(batch);
                    break;
            }

            if (step % 1_000 == 0)
            {
                AssertSame(table, model);
            }
        }

        AssertSame(table, model);
        Assert.True(demotions > 100, $"Only {demotions} demotions: the run did not exercise a full protected segment.");
    }

    /// <summary>A session as the model sees it.</summary>
    private sealed record Model(long Created, long Touched, bool Protected, long Bytes, int Keys);

    /// <summary>The policy, spelled out plainly: old enough or protected already means protected; overflow demotes the least recent.</summary>
    /// <returns>How many sessions it demoted.</returns>
    private static int TouchModel(Dictionary<string, Model> model, string id, long clock)
    {
        var m = model[id];
        model[id] = m with { Touched = clock, Protected = m.Protected || clock - m.Created >= PromoteAfter };
        var demoted = 0;
        while (model.Values.Count(v => v.Protected) > ProtectedCapacity)
        {
            var least = OldestId(model.Where(v => v.Value.Protected))!;
            model[least] = model[least] with { Protected = false };
            demoted++;
        }

        return demoted;
    }

    /// <summary>The id touched longest ago among <paramref name="sessions"/>, or <see langword="null"/>.</summary>
    private static string? OldestId(IEnumerable<KeyValuePair<string, Model>> sessions) =>
        sessions.OrderBy(m => m.Value.Touched).Select(m => m.Key).FirstOrDefault();

    private static string? ExpectedVictim(Dictionary<string, Model> model, string? except)
    {
        var candidates = model.Where(m => m.Key != except).ToList();
        return OldestId(candidates.Where(m => !m.Value.Protected)) ?? OldestId(candidates);
    }

    private static SessionData RandomData(Random random) =>
        random.Next(3) == 0
            ? default
            : SessionData.CreateRange(Enumerable.Range(0, random.Next(1, 4))
                .Select(i => new KeyValuePair<string, System.Collections.Immutable.ImmutableArray<byte>>(new string('k', i + 1), [.. new byte[random.Next(0, 40)]])));

    private static void AssertSame(SessionTable table, Dictionary<string, Model> model)
    {
        Assert.Equal(model.Count, table.Count);
        Assert.Equal(SessionTable.None, table.Find("never-issued-id-0000"));
        foreach (var (id, m) in model)
        {
            var slot = table.Find(id);
            Assert.NotEqual(SessionTable.None, slot);
            Assert.Equal(id, table[slot].Id);
            Assert.Equal(m.Touched, table[slot].LastTouched);
            Assert.Equal(m.Protected, table[slot].IsProtected);
        }

        Assert.Equal(model.Values.Count(m => m.Protected), table.ProtectedCount);
        Assert.Equal(model.Values.Sum(m => m.Bytes), table.DataBytes);
        Assert.Equal(model.Values.Sum(m => m.Keys), table.KeyCount);
        Assert.Equal(OldestId(model), IdAt(table, table.LeastRecentlyTouched));
        Assert.Equal(OldestId(model.Where(m => !m.Value.Protected)), IdAt(table, table.LeastRecentlyTouchedOnProbation));
        Assert.Equal(OldestId(model.Where(m => m.Value.Protected)), IdAt(table, table.LeastRecentlyTouchedProtected));

        // The idle lists, walked from every head: together they hold each session once, and each is sorted
        // by last touch within one segment, which is what lets cleanup look at their heads only.
        var heads = model.Keys.Select(table.Find).Where(slot => table[slot].IdlePrev == SessionTable.None).ToList();
        Assert.InRange(heads.Count, Math.Min(model.Count, 1), 3);
        var walked = new List<string>();
        foreach (var head in heads)
        {
            var list = Walk(table, head, e => e.IdleNext);
            Assert.Equal(list.OrderBy(id => model[id].Touched), list);
            Assert.Single(list.Select(id => model[id].Protected).Distinct());
            walked.AddRange(list);
        }

        Assert.Equal(model.Keys.Order(), walked.Order());
        Assert.Equal(model.OrderBy(m => m.Value.Created).Select(m => m.Key), Walk(table, table.OldestCreated, e => e.AgeNext));
    }

    private static string? IdAt(SessionTable table, int slot) => slot == SessionTable.None ? null : table[slot].Id;

    private static List<string> Walk(SessionTable table, int head, Func<SessionTable.Entry, int> next)
    {
        var ids = new List<string>();
        for (var slot = head; slot != SessionTable.None; slot = next(table[slot]))
        {
            ids.Add(table[slot].Id!);
        }

        return ids;
    }

    [Fact]
    public void Every_session_stays_findable_while_the_index_doubles_a_few_buckets_at_a_time()
    {
        // 3,000 sessions pass the doublings at 64, 128, ... 2,048 buckets; each is spread over many
        // additions, so the checks below land in the middle of them, with removals in between.
        var table = new SessionTable();
        var ids = new SessionIdGenerator(20);
        var held = new List<string>();
        var removed = new List<string>();
        for (var i = 0; i < 3_000; i++)
        {
            var id = ids.Next();
            table.Add(id, default, i, i);
            held.Add(id);
            if (i % 5 == 4)
            {
                var gone = held[i % held.Count];
                table.Remove(table.Find(gone));
                held.Remove(gone);
                removed.Add(gone);
            }

            if (i % 7 == 0)
            {
                Assert.Equal(held.Count, table.Count);
                Assert.All(held, h => Assert.Equal(h, table[table.Find(h)].Id));
                Assert.All(removed, r => Assert.Equal(SessionTable.None, table.Find(r)));
            }
        }
    }

    [Fact]
    public void Adding_an_id_already_held_is_refused_and_changes_nothing()
    {
        var table = new SessionTable();
        var slot = table.Add("AAAAAAAAAAAAAAAAAAAA", default, 1, 1);

        Assert.Throws<InvalidOperationException>(() => table.Add("AAAAAAAAAAAAAAAAAAAA", default, 2, 2));
        Assert.Equal(1, table.Count);
        Assert.Equal(slot, table.Find("AAAAAAAAAAAAAAAAAAAA"));
        Assert.Equal(1, table[slot].LastTouched);
    }

    [Fact]
    public void Lookups_after_a_warm_up_find_the_same_slots_in_any_order()
    {
        var table = new SessionTable();
        var ids = new SessionIdGenerator(20);
        var held = Enumerable.Range(0, 500).Select(_ => ids.Next()).ToArray();
        var slots = held.ToDictionary(id => id, id => table.Add(id, default, 1, 1));
        var warmed = held.Take(64).Select(id => (string?)id).ToArray();
        warmed[3] = null;
        warmed[10] = ids.Next();

        table.Warm(warmed);

        // Out of order, skipping some, with ids that were not warmed and copies of warmed ids in between.
        foreach (var id in warmed.Reverse().Concat(held.Skip(60)).Concat(warmed))
        {
            if (id is not null)
            {
                Assert.Equal(slots.GetValueOrDefault(id, SessionTable.None), table.Find(new string(id.AsSpan())));
                Assert.Equal(slots.GetValueOrDefault(id, SessionTable.None), table.Find(id));
            }
        }
    }

    [Fact]
    public void Freed_slots_are_reused_and_hold_no_references()
    {
        var table = new SessionTable();
        var first = table.Add("AAAAAAAAAAAAAAAAAAAA", SessionData.Empty.SetItem("k", [1]), 1, 1);
        table.Remove(first);

        Assert.Null(table[first].Id);
        Assert.True(table[first].Data.IsEmpty);
        Assert.Equal(first, table.Add("BBBBBBBBBBBBBBBBBBBB", default, 2, 2));
        Assert.Equal(SessionTable.None, table.Find("AAAAAAAAAAAAAAAAAAAA"));
    }
}
