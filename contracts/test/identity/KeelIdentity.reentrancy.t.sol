// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IdentityFixture} from "./IdentityFixture.sol";
import {KeelIdentity} from "../../src/identity/KeelIdentity.sol";

/// @dev Re-enters the identity from the executed call: approving the same execution again.
contract ReentrantApprover {
    KeelIdentity public id;
    uint256 public executionId;
    bool public reentryFailed;
    uint256 public calls;

    function arm(KeelIdentity id_, uint256 executionId_) external {
        id = id_;
        executionId = executionId_;
    }

    function hit() external {
        ++calls;
        try id.approve(executionId, true) {} catch {
            reentryFailed = true;
        }
    }
}

/// @notice `execute`/`approve` are the identity's only outgoing calls: an execution is
/// marked done before its call, so re-entering cannot run it twice.
contract KeelIdentityReentrancyTest is IdentityFixture {
    function test_reentrantApprove_runsOnce() public {
        ReentrantApprover r = new ReentrantApprover();
        vm.prank(alice);
        aliceId.addKey(_key(address(r)), 2, 1); // the callee may approve external calls
        vm.prank(stranger);
        uint256 id = aliceId.execute(address(r), 0, abi.encodeCall(ReentrantApprover.hit, ()));
        r.arm(aliceId, id);
        vm.prank(alice);
        assertTrue(aliceId.approve(id, true));
        assertEq(r.calls(), 1);
        assertTrue(r.reentryFailed());
    }

    /// @dev A claim issuer that re-enters the identity during addClaim validation cannot
    /// corrupt the claim list: the outer addClaim still completes consistently.
    function test_addClaim_validationIsStaticcall() public {
        ReenteringIssuer bad = new ReenteringIssuer(aliceId);
        vm.prank(identityManager);
        vm.expectRevert();
        aliceId.addClaim(5, 1, address(bad), "", "", "");
        assertEq(aliceId.getClaimIdsByTopic(5).length, 0);
    }
}

contract ReenteringIssuer {
    KeelIdentity public target;

    constructor(KeelIdentity target_) {
        target = target_;
    }

    /// @dev Called through a view interface (STATICCALL): any state change reverts.
    function isClaimValid(address, uint256, bytes calldata, bytes calldata) external returns (bool) {
        target.addClaim(6, 1, address(this), "", "", "");
        return true;
    }
}
