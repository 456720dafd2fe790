// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ModuleFixture} from "./ModuleFixture.sol";
import {TransferApprovalModule} from "../../../src/compliance/modules/TransferApprovalModule.sol";
import {KeelRoles} from "../../../src/token/KeelRoles.sol";

contract TransferApprovalModuleTest is ModuleFixture {
    TransferApprovalModule internal m;
    address internal agent = makeAddr("agent");

    function _deployModule() internal override returns (address) {
        m = new TransferApprovalModule();
        return address(m);
    }

    function setUp() public override {
        super.setUp();
        compliance.grantRole(KeelRoles.COMPLIANCE_AGENT_ROLE, agent);
        _mint(alice, 100); // mints need no approval
    }

    function _approve(address from, address to, uint256 amount) internal {
        vm.prank(agent);
        m.approveTransfer(address(compliance), address(token), from, to, amount);
    }

    function test_name() public view {
        assertEq(m.name(), "TransferApproval");
    }

    function test_singleUseApproval() public {
        vm.prank(alice);
        vm.expectRevert(
            _rejected(abi.encodeWithSelector(TransferApprovalModule.TransferNotApproved.selector, alice, bob, 10))
        );
        token.transfer(bob, 10);
        _approve(alice, bob, 10);
        assertEq(m.approvalCount(address(compliance), address(token), alice, bob, 10), 1);
        vm.prank(alice);
        vm.expectRevert(
            _rejected(abi.encodeWithSelector(TransferApprovalModule.TransferNotApproved.selector, alice, bob, 9))
        );
        token.transfer(bob, 9); // exact amount only
        _send(alice, bob, 10);
        assertEq(m.approvalCount(address(compliance), address(token), alice, bob, 10), 0, "consumed");
        vm.prank(alice);
        vm.expectRevert(
            _rejected(abi.encodeWithSelector(TransferApprovalModule.TransferNotApproved.selector, alice, bob, 10))
        );
        token.transfer(bob, 10);
    }

    function test_onlyAgentOfBoundEngine() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(TransferApprovalModule.NotComplianceAgent.selector, alice));
        m.approveTransfer(address(compliance), address(token), alice, bob, 1);
        vm.prank(agent);
        vm.expectRevert(abi.encodeWithSelector(TransferApprovalModule.EngineNotBound.selector, address(0xE)));
        m.approveTransfer(address(0xE), address(token), alice, bob, 1);
    }

    function test_revoke() public {
        _approve(alice, bob, 10);
        vm.prank(agent);
        m.revokeApproval(address(compliance), address(token), alice, bob, 10);
        assertFalse(compliance.canTransfer(alice, bob, 10));
        vm.prank(agent);
        vm.expectRevert(abi.encodeWithSelector(TransferApprovalModule.TransferNotApproved.selector, alice, bob, 10));
        m.revokeApproval(address(compliance), address(token), alice, bob, 10);
    }

    function test_forcedTransferPassesWithoutApproval() public {
        _forced(alice, bob, 10);
        assertEq(token.balanceOf(bob), 10);
    }

    function test_rebindDropsApprovals() public {
        _approve(alice, bob, 10);
        _rebind();
        assertEq(m.approvalCount(address(compliance), address(token), alice, bob, 10), 0);
    }
}

contract TransferApprovalModuleProxiedTest is TransferApprovalModuleTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}
