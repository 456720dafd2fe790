// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ModuleFixture} from "./ModuleFixture.sol";
import {IdentityClaimExpressionModule} from "../../../src/compliance/modules/IdentityClaimExpressionModule.sol";
import {IIdentity} from "../../../src/interfaces/onchainid/IIdentity.sol";
import {TestIdentity, TestClaimIssuer, TestTrustedIssuersRegistry} from "../../mocks/TestClaims.sol";

contract IdentityClaimExpressionModuleTest is ModuleFixture {
    uint256 internal constant KYC = 1;
    uint256 internal constant ACCREDITED = 2;
    uint256 internal constant QIB = 3;
    uint256 internal constant SANCTIONED = 4;

    IdentityClaimExpressionModule internal m;
    TestClaimIssuer internal kycIssuer;
    TestClaimIssuer internal untrusted;
    TestTrustedIssuersRegistry internal tir;
    TestIdentity internal bobId;

    function _deployModule() internal override returns (address) {
        m = new IdentityClaimExpressionModule();
        return address(m);
    }

    function setUp() public override {
        super.setUp();
        kycIssuer = new TestClaimIssuer();
        untrusted = new TestClaimIssuer();
        tir = new TestTrustedIssuersRegistry();
        tir.trust(address(kycIssuer), KYC);
        tir.trust(address(kycIssuer), ACCREDITED);
        tir.trust(address(kycIssuer), QIB);
        tir.trust(address(kycIssuer), SANCTIONED);
        registry.setTrustedIssuersRegistry(address(tir));
        bobId = new TestIdentity();
        registry.registerIdentity(bob, IIdentity(address(bobId)), DE);
    }

    function _claim(TestIdentity id, TestClaimIssuer by, uint256 topic) internal {
        bytes memory data = abi.encode("ok");
        id.addClaim(topic, 1, address(by), by.signatureFor(address(id), topic, data), data, "");
    }

    function _topic(uint256 t) internal pure returns (IdentityClaimExpressionModule.Node memory) {
        return IdentityClaimExpressionModule.Node(IdentityClaimExpressionModule.NodeKind.TOPIC, t);
    }

    function _op(IdentityClaimExpressionModule.NodeKind k)
        internal
        pure
        returns (IdentityClaimExpressionModule.Node memory)
    {
        return IdentityClaimExpressionModule.Node(k, 0);
    }

    /// KYC AND (ACCREDITED OR QIB) AND NOT SANCTIONED, in postfix.
    function _policy() internal pure returns (IdentityClaimExpressionModule.Node[] memory e) {
        e = new IdentityClaimExpressionModule.Node[](8);
        e[0] = _topic(KYC);
        e[1] = _topic(ACCREDITED);
        e[2] = _topic(QIB);
        e[3] = _op(IdentityClaimExpressionModule.NodeKind.OR);
        e[4] = _op(IdentityClaimExpressionModule.NodeKind.AND);
        e[5] = _topic(SANCTIONED);
        e[6] = _op(IdentityClaimExpressionModule.NodeKind.NOT);
        e[7] = _op(IdentityClaimExpressionModule.NodeKind.AND);
    }

    function test_name() public view {
        assertEq(m.name(), "IdentityClaimExpression");
    }

    function test_expressionAndOrNot() public {
        _cfg(abi.encodeCall(IdentityClaimExpressionModule.setExpression, (_policy())));
        assertEq(m.expression(address(compliance)).length, 8);
        bytes memory denied = _rejected(
            abi.encodeWithSelector(
                IdentityClaimExpressionModule.ClaimExpressionNotSatisfied.selector, bob, address(bobId)
            )
        );
        vm.prank(issuer);
        vm.expectRevert(denied);
        token.mint(bob, 1);
        _claim(bobId, kycIssuer, KYC);
        assertFalse(compliance.canTransfer(address(0), bob, 1), "KYC alone is not enough");
        _claim(bobId, kycIssuer, QIB);
        _mint(bob, 1);
        _claim(bobId, kycIssuer, SANCTIONED);
        assertFalse(compliance.canTransfer(address(0), bob, 1), "NOT SANCTIONED");
    }

    function test_untrustedIssuerOrRevokedClaimDoesNotCount() public {
        IdentityClaimExpressionModule.Node[] memory e = new IdentityClaimExpressionModule.Node[](1);
        e[0] = _topic(KYC);
        _cfg(abi.encodeCall(IdentityClaimExpressionModule.setExpression, (e)));
        _claim(bobId, untrusted, KYC);
        assertFalse(compliance.canTransfer(address(0), bob, 1));
        _claim(bobId, kycIssuer, KYC);
        assertTrue(compliance.canTransfer(address(0), bob, 1));
        kycIssuer.revoke(kycIssuer.signatureFor(address(bobId), KYC, abi.encode("ok")));
        assertFalse(compliance.canTransfer(address(0), bob, 1));
    }

    function test_invalidExpressionsRejected() public {
        IdentityClaimExpressionModule.Node[] memory e = new IdentityClaimExpressionModule.Node[](2);
        e[0] = _topic(KYC);
        e[1] = _op(IdentityClaimExpressionModule.NodeKind.AND);
        vm.expectRevert(IdentityClaimExpressionModule.InvalidExpression.selector);
        _cfg(abi.encodeCall(IdentityClaimExpressionModule.setExpression, (e)));
        e[1] = _topic(QIB); // two values left
        vm.expectRevert(IdentityClaimExpressionModule.InvalidExpression.selector);
        _cfg(abi.encodeCall(IdentityClaimExpressionModule.setExpression, (e)));
        vm.expectRevert(IdentityClaimExpressionModule.InvalidExpression.selector);
        _cfg(abi.encodeCall(IdentityClaimExpressionModule.setExpression, (new IdentityClaimExpressionModule.Node[](0))));
        IdentityClaimExpressionModule.Node[] memory n = new IdentityClaimExpressionModule.Node[](1);
        n[0] = _op(IdentityClaimExpressionModule.NodeKind.NOT);
        vm.expectRevert(IdentityClaimExpressionModule.InvalidExpression.selector);
        _cfg(abi.encodeCall(IdentityClaimExpressionModule.setExpression, (n)));
    }

    function test_unconfiguredRejects() public {
        assertFalse(compliance.canTransfer(address(0), bob, 1));
    }

    function test_replaceExpression() public {
        _cfg(abi.encodeCall(IdentityClaimExpressionModule.setExpression, (_policy())));
        IdentityClaimExpressionModule.Node[] memory e = new IdentityClaimExpressionModule.Node[](2);
        e[0] = _topic(SANCTIONED);
        e[1] = _op(IdentityClaimExpressionModule.NodeKind.NOT);
        _cfg(abi.encodeCall(IdentityClaimExpressionModule.setExpression, (e)));
        assertEq(m.expression(address(compliance)).length, 2);
        assertTrue(compliance.canTransfer(address(0), bob, 1));
    }

    function testFuzz_singleTopic(uint8 topic, bool hasClaim) public {
        IdentityClaimExpressionModule.Node[] memory e = new IdentityClaimExpressionModule.Node[](1);
        e[0] = _topic(uint256(topic) % 4 + 1);
        _cfg(abi.encodeCall(IdentityClaimExpressionModule.setExpression, (e)));
        if (hasClaim) _claim(bobId, kycIssuer, uint256(topic) % 4 + 1);
        assertEq(compliance.canTransfer(address(0), bob, 1), hasClaim);
    }
}

contract IdentityClaimExpressionModuleProxiedTest is IdentityClaimExpressionModuleTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}
