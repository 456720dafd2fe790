// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IdentityFixture} from "./IdentityFixture.sol";
import {ClaimTopicsRegistry} from "../../src/identity/ClaimTopicsRegistry.sol";
import {KeelAccessManaged} from "../../src/system/access/KeelAccessManaged.sol";
import {KeelSystemRoles} from "../../src/system/access/KeelSystemRoles.sol";

/// @dev Stands in for an asset's own role book (a token is an AccessControl).
contract AssetRoles is AccessControl {
    constructor(address manager) {
        _grantRole(KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE, manager);
    }
}

contract ClaimTopicsRegistryTest is IdentityFixture {
    function test_add_and_list() public {
        _require(KYC);
        _require(AML);
        uint256[] memory t = topics.getClaimTopics();
        assertEq(t.length, 2);
        assertEq(t[0], KYC);
        assertEq(t[1], AML);
    }

    function test_add_duplicateReverts() public {
        _require(KYC);
        vm.prank(policyManager);
        vm.expectRevert(abi.encodeWithSelector(ClaimTopicsRegistry.TopicAlreadyRequired.selector, KYC));
        topics.addClaimTopic(KYC);
    }

    function test_add_boundedReverts() public {
        for (uint256 i = 0; i < 15; ++i) {
            _require(100 + i);
        }
        vm.prank(policyManager);
        vm.expectRevert(ClaimTopicsRegistry.TooManyTopics.selector);
        topics.addClaimTopic(1);
    }

    function test_add_strangerReverts() public {
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(
                KeelAccessManaged.MissingRole.selector, stranger, KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE
            )
        );
        topics.addClaimTopic(KYC);
    }

    function test_remove() public {
        _require(KYC);
        _require(AML);
        vm.prank(policyManager);
        topics.removeClaimTopic(KYC);
        uint256[] memory t = topics.getClaimTopics();
        assertEq(t.length, 1);
        assertEq(t[0], AML);
    }

    function test_remove_missingReverts() public {
        vm.prank(policyManager);
        vm.expectRevert(abi.encodeWithSelector(ClaimTopicsRegistry.TopicNotRequired.selector, KYC));
        topics.removeClaimTopic(KYC);
    }

    function test_remove_strangerReverts() public {
        _require(KYC);
        vm.prank(stranger);
        vm.expectRevert();
        topics.removeClaimTopic(KYC);
    }

    function test_assetRoleHolderMayManage() public {
        address assetManager = makeAddr("assetManager");
        AssetRoles roles = new AssetRoles(assetManager);
        ClaimTopicsRegistry assetTopics = ClaimTopicsRegistry(
            address(
                new ERC1967Proxy(
                    address(new ClaimTopicsRegistry()),
                    abi.encodeCall(ClaimTopicsRegistry.initialize, (address(access), address(roles)))
                )
            )
        );
        assertEq(assetTopics.assetAccess(), address(roles));
        vm.prank(assetManager);
        assetTopics.addClaimTopic(KYC);
        vm.prank(policyManager); // the system's manager too
        assetTopics.addClaimTopic(AML);
        assertEq(assetTopics.getClaimTopics().length, 2);
    }

    function test_initialize_zeroAccessManagerReverts() public {
        address impl = address(new ClaimTopicsRegistry());
        vm.expectRevert(KeelAccessManaged.AccessManagerZero.selector);
        new ERC1967Proxy(impl, abi.encodeCall(ClaimTopicsRegistry.initialize, (address(0), address(0))));
    }

    function testFuzz_addRemove(uint256 a, uint256 b) public {
        vm.assume(a != b);
        _require(a);
        _require(b);
        vm.prank(policyManager);
        topics.removeClaimTopic(a);
        uint256[] memory t = topics.getClaimTopics();
        assertEq(t.length, 1);
        assertEq(t[0], b);
    }
}
