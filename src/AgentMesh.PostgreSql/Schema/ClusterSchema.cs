namespace AgentMesh.PostgreSql.Schema;

/// <summary>
/// Version 2. <c>cluster_leader</c> is one row naming the node that runs the engine, with an epoch that grows
/// at every change of leader and a lease on PostgreSQL's own clock. <c>agentmesh_fence</c> runs first in every
/// commit of a cluster node: it fails unless the node is still the leader at its epoch, and its share lock on
/// the row holds a takeover back until the commit ends, so a deposed leader can never write.
/// </summary>
internal static class ClusterSchema
{
    public const string Sql = """
        CREATE TABLE cluster_leader (
            only_row boolean NOT NULL PRIMARY KEY DEFAULT true CHECK (only_row),
            node_id text NOT NULL,
            url text NOT NULL,
            epoch bigint NOT NULL,
            expires_at timestamptz NOT NULL
        );
        INSERT INTO cluster_leader (node_id, url, epoch, expires_at) VALUES ('', '', 0, '-infinity');

        CREATE FUNCTION agentmesh_fence(node text, expected_epoch bigint) RETURNS void
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM 1 FROM cluster_leader WHERE node_id = node AND epoch = expected_epoch FOR SHARE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'node % is no longer the leader (epoch %)', node, expected_epoch USING ERRCODE = 'AM001';
            END IF;
        END
        $$;
        """;
}
