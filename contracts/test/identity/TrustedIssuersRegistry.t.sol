// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IdentityFixture} from "./IdentityFixture.sol";
import {TrustedIssuersRegistry} from "../../src/identity/TrustedIssuersRegistry.sol";
import {IClaimIssuer} from "../../src/interfaces/onchainid/IClaimIssuer.sol";

contract TrustedIssuersRegistryTest is IdentityFixture {
    IClaimIssuer internal issuerA = IClaimIssuer(makeAddr("issuerA"));
    IClaimIssuer internal issuerB = IClaimIssuer(makeAddr("issuerB"));
    IClaimIssuer internal issuerC = IClaimIssuer(makeAddr("issuerC"));

    function _topics2(uint256 a, uint256 b) internal pure returns (uint256[] memory t) {
        t = new uint256[](2);
        t[0] = a;
        t[1] = b;
    }

    function test_add_and_views() public {
        vm.prank(policyManager);
        globalIssuers.addTrustedIssuer(issuerA, _topics2(KYC, AML));
        assertTrue(globalIssuers.isTrustedIssuer(address(issuerA)));
        assertTrue(globalIssuers.hasClaimTopic(address(issuerA), AML));
        assertFalse(globalIssuers.hasClaimTopic(address(issuerA), ACCREDITED));
        assertEq(globalIssuers.getTrustedIssuers().length, 1);
        assertEq(globalIssuers.getTrustedIssuersForClaimTopic(KYC).length, 1);
        assertEq(globalIssuers.getTrustedIssuerClaimTopics(issuerA).length, 2);
    }

    function test_add_duplicateTopicsStoredOnce() public {
        vm.prank(policyManager);
        globalIssuers.addTrustedIssuer(issuerA, _topics2(KYC, KYC));
        assertEq(globalIssuers.getTrustedIssuerClaimTopics(issuerA).length, 1);
        assertEq(globalIssuers.getTrustedIssuersForClaimTopic(KYC).length, 1);
    }

    function test_add_reverts() public {
        vm.startPrank(policyManager);
        vm.expectRevert(TrustedIssuersRegistry.ZeroAddress.selector);
        globalIssuers.addTrustedIssuer(IClaimIssuer(address(0)), _topics2(KYC, AML));
        vm.expectRevert(TrustedIssuersRegistry.NoClaimTopics.selector);
        globalIssuers.addTrustedIssuer(issuerA, new uint256[](0));
        vm.expectRevert(TrustedIssuersRegistry.TooManyTopics.selector);
        globalIssuers.addTrustedIssuer(issuerA, new uint256[](16));
        globalIssuers.addTrustedIssuer(issuerA, _topics2(KYC, AML));
        vm.expectRevert(abi.encodeWithSelector(TrustedIssuersRegistry.IssuerAlreadyTrusted.selector, address(issuerA)));
        globalIssuers.addTrustedIssuer(issuerA, _topics2(KYC, AML));
        vm.stopPrank();
        vm.prank(stranger);
        vm.expectRevert();
        globalIssuers.addTrustedIssuer(issuerB, _topics2(KYC, AML));
    }

    function test_add_bounded() public {
        vm.startPrank(policyManager);
        for (uint160 i = 1; i <= 50; ++i) {
            globalIssuers.addTrustedIssuer(IClaimIssuer(address(i)), _topics2(KYC, AML));
        }
        vm.expectRevert(TrustedIssuersRegistry.TooManyIssuers.selector);
        globalIssuers.addTrustedIssuer(issuerA, _topics2(KYC, AML));
        vm.stopPrank();
    }

    function test_remove() public {
        vm.startPrank(policyManager);
        globalIssuers.addTrustedIssuer(issuerA, _topics2(KYC, AML));
        globalIssuers.addTrustedIssuer(issuerB, _topics2(KYC, ACCREDITED));
        globalIssuers.removeTrustedIssuer(issuerA);
        vm.stopPrank();
        assertFalse(globalIssuers.isTrustedIssuer(address(issuerA)));
        assertFalse(globalIssuers.hasClaimTopic(address(issuerA), KYC));
        IClaimIssuer[] memory k = globalIssuers.getTrustedIssuersForClaimTopic(KYC);
        assertEq(k.length, 1);
        assertEq(address(k[0]), address(issuerB));
        assertEq(globalIssuers.getTrustedIssuersForClaimTopic(AML).length, 0);
        vm.expectRevert(abi.encodeWithSelector(TrustedIssuersRegistry.IssuerNotTrusted.selector, address(issuerA)));
        globalIssuers.getTrustedIssuerClaimTopics(issuerA);
    }

    function test_remove_unknownReverts() public {
        vm.prank(policyManager);
        vm.expectRevert(abi.encodeWithSelector(TrustedIssuersRegistry.IssuerNotTrusted.selector, address(issuerA)));
        globalIssuers.removeTrustedIssuer(issuerA);
        vm.prank(stranger);
        vm.expectRevert();
        globalIssuers.removeTrustedIssuer(issuerA);
    }

    function test_updateTopics() public {
        vm.startPrank(policyManager);
        globalIssuers.addTrustedIssuer(issuerA, _topics2(KYC, AML));
        globalIssuers.updateIssuerClaimTopics(issuerA, _topics2(ACCREDITED, SANCTIONED));
        vm.stopPrank();
        assertFalse(globalIssuers.hasClaimTopic(address(issuerA), KYC));
        assertTrue(globalIssuers.hasClaimTopic(address(issuerA), SANCTIONED));
        assertEq(globalIssuers.getTrustedIssuersForClaimTopic(KYC).length, 0);
        assertEq(globalIssuers.getTrustedIssuersForClaimTopic(ACCREDITED).length, 1);
    }

    function test_updateTopics_reverts() public {
        vm.prank(policyManager);
        vm.expectRevert(abi.encodeWithSelector(TrustedIssuersRegistry.IssuerNotTrusted.selector, address(issuerA)));
        globalIssuers.updateIssuerClaimTopics(issuerA, _topics2(KYC, AML));
        vm.prank(stranger);
        vm.expectRevert();
        globalIssuers.updateIssuerClaimTopics(issuerA, _topics2(KYC, AML));
    }

    // ---------------------------------------------------------------- tiers

    function test_tiers_unionAssetFirstDeduplicated() public {
        _trust(globalIssuers, address(issuerA), KYC);
        _trust(systemIssuers, address(issuerB), KYC);
        _trust(assetIssuers, address(issuerC), KYC);
        vm.prank(policyManager);
        assetIssuers.addTrustedIssuer(issuerA, _topics2(KYC, AML)); // also trusted globally
        IClaimIssuer[] memory k = assetIssuers.getTrustedIssuersForClaimTopic(KYC);
        assertEq(k.length, 3);
        assertEq(address(k[0]), address(issuerC));
        assertEq(address(k[1]), address(issuerA));
        assertEq(address(k[2]), address(issuerB));
        assertEq(assetIssuers.getTrustedIssuers().length, 3);
        // The system tier does not see the asset tier.
        assertEq(systemIssuers.getTrustedIssuersForClaimTopic(KYC).length, 2);
        assertEq(globalIssuers.getTrustedIssuersForClaimTopic(KYC).length, 1);
    }

    function test_tiers_viewsFallThrough() public {
        _trust(globalIssuers, address(issuerA), KYC);
        assertTrue(assetIssuers.isTrustedIssuer(address(issuerA)));
        assertTrue(assetIssuers.hasClaimTopic(address(issuerA), KYC));
        assertFalse(assetIssuers.hasClaimTopic(address(issuerA), AML));
        uint256[] memory t = assetIssuers.getTrustedIssuerClaimTopics(issuerA);
        assertEq(t.length, 1);
        _trust(assetIssuers, address(issuerA), AML);
        t = assetIssuers.getTrustedIssuerClaimTopics(issuerA);
        assertEq(t.length, 2);
        assertEq(t[0], AML);
        assertEq(t[1], KYC);
    }

    function test_tiers_parentLinks() public view {
        assertEq(assetIssuers.parentRegistry(), address(systemIssuers));
        assertEq(systemIssuers.parentRegistry(), address(globalIssuers));
        assertEq(globalIssuers.parentRegistry(), address(0));
    }

    function test_tiers_tooDeepReverts() public {
        // asset -> system -> global is the deepest chain: a fourth tier is refused.
        address impl = address(new TrustedIssuersRegistry());
        vm.expectRevert();
        _issuersRegistry(impl, address(assetIssuers));
    }

    function test_setParent_cycleReverts() public {
        vm.expectRevert(TrustedIssuersRegistry.TooManyTiers.selector);
        globalIssuers.setParentRegistry(address(globalIssuers));
        vm.expectRevert(TrustedIssuersRegistry.TooManyTiers.selector);
        globalIssuers.setParentRegistry(address(systemIssuers));
    }

    function test_setParent_adminOnly() public {
        vm.prank(policyManager);
        vm.expectRevert();
        assetIssuers.setParentRegistry(address(0));
        assetIssuers.setParentRegistry(address(globalIssuers));
        assertEq(assetIssuers.parentRegistry(), address(globalIssuers));
    }

    // ---------------------------------------------------------------- activity markers

    function test_activity_markerWithFirstIssuerOrParent() public {
        assertFalse(globalIssuers.isActive(), "no issuer, no parent");
        assertTrue(systemIssuers.isActive(), "has a parent");
        assertTrue(assetIssuers.isActive(), "has a parent");
        _trust(globalIssuers, address(issuerA), KYC);
        assertTrue(globalIssuers.isActive());
        vm.prank(policyManager);
        globalIssuers.removeTrustedIssuer(issuerA);
        assertTrue(globalIssuers.isActive(), "permanent");
    }

    function test_activity_neverConfiguredParentIsSkipped() public {
        vm.expectCall(
            address(globalIssuers),
            abi.encodeWithSelector(TrustedIssuersRegistry.getTrustedIssuersForClaimTopic.selector, KYC),
            0
        );
        _trust(systemIssuers, address(issuerB), KYC);
        IClaimIssuer[] memory k = assetIssuers.getTrustedIssuersForClaimTopic(KYC);
        assertEq(k.length, 1);
        assertEq(address(k[0]), address(issuerB));
    }

    function test_activity_parentConfiguredLaterIsConsultedAtOnce() public {
        assertEq(assetIssuers.getTrustedIssuersForClaimTopic(KYC).length, 0);
        _trust(globalIssuers, address(issuerA), KYC);
        assertEq(assetIssuers.getTrustedIssuersForClaimTopic(KYC).length, 1);
        assertTrue(assetIssuers.isTrustedIssuer(address(issuerA)));
        assertTrue(assetIssuers.hasClaimTopic(address(issuerA), KYC));
        assertEq(assetIssuers.getTrustedIssuers().length, 1);
        assertEq(assetIssuers.getTrustedIssuerClaimTopics(issuerA).length, 1);
    }

    function test_activity_parentWithOnlyAGrandparentIsConsulted() public {
        // a fresh middle tier that has a parent but no issuer of its own
        address impl = address(new TrustedIssuersRegistry());
        TrustedIssuersRegistry top = _issuersRegistry(impl, address(0));
        TrustedIssuersRegistry middle = _issuersRegistry(impl, address(top));
        TrustedIssuersRegistry leaf = _issuersRegistry(impl, address(middle));
        _trust(top, address(issuerC), AML);
        assertTrue(leaf.hasClaimTopic(address(issuerC), AML));
        assertEq(leaf.getTrustedIssuersForClaimTopic(AML).length, 1);
    }

    function test_activity_syncMarker() public {
        globalIssuers.syncActivityMarker();
        assertFalse(globalIssuers.isActive(), "nothing configured");
        systemIssuers.syncActivityMarker(); // already active: idempotent
        assertTrue(systemIssuers.isActive());
    }

    function testFuzz_tiers_lookupIsUnion(uint8 mask) public {
        TrustedIssuersRegistry[3] memory tiers = [globalIssuers, systemIssuers, assetIssuers];
        uint256 expected = 0;
        for (uint256 i = 0; i < 3; ++i) {
            if (mask & (1 << i) != 0) {
                _trust(tiers[i], address(uint160(1000 + i)), KYC);
                ++expected;
            }
        }
        assertEq(assetIssuers.getTrustedIssuersForClaimTopic(KYC).length, expected);
        for (uint256 i = 0; i < 3; ++i) {
            assertEq(assetIssuers.hasClaimTopic(address(uint160(1000 + i)), KYC), mask & (1 << i) != 0);
        }
    }
}
